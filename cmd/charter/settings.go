package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime"
)

// setFlags collects the repeatable --set name=value flag: the value of one
// of the community's settings (SPEC §6.4.1, §17.3).
type setFlags []string

func (s *setFlags) String() string { return strings.Join(*s, " ") }

func (s *setFlags) Set(v string) error {
	if name, _, ok := strings.Cut(v, "="); !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("want name=value, such as --set min_posts=10, got %q", v)
	}
	*s = append(*s, v)
	return nil
}

// apply returns com with the settings set: each value is read as the
// setting's type writes a constant (10, 2.5, true, 7d; a string as is, or
// quoted).
func (s setFlags) apply(com *runtime.Community) (*runtime.Community, error) {
	if len(s) == 0 {
		return com, nil
	}
	set := map[string]any{}
	for _, kv := range s {
		name, text, _ := strings.Cut(kv, "=")
		name, text = strings.TrimSpace(name), strings.TrimSpace(text)
		if _, dup := set[name]; dup {
			return nil, fmt.Errorf("--set %s is given twice", name)
		}
		st := com.Checked().Setting(name)
		if st == nil {
			// WithSettings names what the name is instead.
			set[name] = text
			continue
		}
		v, err := settingValue(st.Type, text)
		if err != nil {
			return nil, fmt.Errorf("--set %s: %v", name, err)
		}
		set[name] = v
	}
	c, err := com.WithSettings(set)
	if err != nil {
		return nil, fmt.Errorf("--set: %v", err)
	}
	return c, nil
}

func settingValue(t check.Type, text string) (any, error) {
	switch t.Kind {
	case check.Int:
		i, err := strconv.ParseInt(strings.ReplaceAll(text, "_", ""), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("want an int such as 10, got %q", text)
		}
		return i, nil
	case check.Float:
		f, err := strconv.ParseFloat(strings.ReplaceAll(text, "_", ""), 64)
		if err != nil {
			return nil, fmt.Errorf("want a float such as 2.5, got %q", text)
		}
		return f, nil
	case check.Bool:
		switch text {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, fmt.Errorf("want true or false, got %q", text)
	case check.Duration:
		d, err := syntax.DurationValue(text)
		if err != nil {
			return nil, fmt.Errorf("want a duration such as 7d or 12h, got %q", text)
		}
		return time.Duration(d), nil
	}
	if s, err := strconv.Unquote(text); err == nil && strings.HasPrefix(text, `"`) {
		return s, nil
	}
	return text, nil
}
