package lang_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/lang/diag"
)

// Load reads every .charter file under a directory and checks them as one
// load set: here a community extends one declared in another file.
func ExampleLoad() {
	dir, err := os.MkdirTemp("", "charter")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	files := map[string]string{
		"base.charter": "community Base {\n  member { posts: int }\n  action post()\n  may post\n}\n",
		"club.charter": "community Club extends Base {\n  purpose \"Friends who write\"\n  on post { posts += 1 }\n}\n",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			fmt.Println(err)
			return
		}
	}

	ls, err := lang.Load(dir)
	if err != nil {
		fmt.Println(err) // a path that does not exist or cannot be read
		return
	}
	if ls.Diags.HasErrors() {
		fmt.Println(ls.Diags)
		return
	}
	fmt.Println(len(ls.Files), "files")
	club := ls.Program.Community("Club")
	fmt.Println(club.Name, "extends", club.Parent.Name, "and has", len(club.Rules), "rule")
	// Output:
	// 2 files
	// Club extends Base and has 1 rule
}

// LoadSources is Load for files held in memory. Diagnostics print with the
// source line they are about.
func ExampleLoadSources() {
	ls := lang.LoadSources(map[string][]byte{
		"club.charter": []byte("community Club {\n  member { posts: int }\n  action post()\n  may post if posts > \"many\"\n}\n"),
	})
	if err := diag.WriteText(os.Stdout, ls.Diags, ls.Sources()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// club.charter:4:21: error: invalid operation: > (mismatched types int and string) [CH0107]
	//       may post if posts > "many"
	//                         ^
}
