// Command hostile writes the shapes of package hostile as DIR/NAME.charter,
// for timing `charter check` on each (SPEC/BENCHMARKS.md).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/charterlang/charter/internal/hostile"
)

func main() {
	dir := flag.String("o", ".", "directory to write the files in")
	flag.Parse()
	for _, s := range hostile.All() {
		name := filepath.Join(*dir, s.Name+".charter")
		if err := os.WriteFile(name, s.Src, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "hostile:", err)
			os.Exit(1)
		}
		fmt.Printf("%s\t%d bytes\n", name, len(s.Src))
	}
}
