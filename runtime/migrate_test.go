package runtime_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
)

const migrateOld = `community M {
  member {
    posts: int
    score: int
    nick: string
    gone: bool
  }
  action post()
  action wave()
  may post, wave
  limit post 3 per 1d
  on post { posts += 1 }
  goal active "Active" {
    measure count(posts > 0)
    target >= 1
  }
}
`

func migrateCommunity(t *testing.T, src string) *runtime.Community {
	t.Helper()
	p, err := runtime.CompileSource("m.charter", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return p.Community("M")
}

// A snapshot taken under an older rule file restores after Migrate: the
// removed attribute and action are dropped and reported, the added one
// takes its default, an int attribute that became float converts.
func TestMigrateSnapshot(t *testing.T) {
	old := migrateCommunity(t, migrateOld)
	s := runtime.NewState(old)
	at := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for _, id := range []string{"ann", "bob"} {
		m, err := old.Member(map[string]any{"score": 7, "nick": id, "gone": true})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Join(id, m); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Apply(t.Context(), id, "post", nil, at); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Apply(t.Context(), id, "wave", nil, at); err != nil {
			t.Fatal(err)
		}
	}
	data, err := json.Marshal(s.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	newSrc := strings.NewReplacer("    gone: bool\n", "    level: int = 2\n", "score: int", "score: float",
		"  action wave()\n", "", "may post, wave", "may post").Replace(migrateOld)
	cur := migrateCommunity(t, newSrc)

	snap, err := runtime.ReadSnapshot(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runtime.Restore(cur, snap); err == nil {
		t.Fatal("restore of the old snapshot without Migrate: no error")
	}
	mig, err := cur.Migrate(snap)
	if err != nil {
		t.Fatal(err)
	}
	want := "action wave: no longer declared, its history dropped from 2 members\n" +
		"attribute gone: no longer declared, dropped from 2 members\n" +
		"attribute level: new, 2 members take its default"
	if got := mig.String(); got != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}
	r, err := runtime.Restore(cur, snap)
	if err != nil {
		t.Fatal(err)
	}
	m, ok := r.Member("ann")
	if !ok {
		t.Fatal("ann is gone")
	}
	if v, _ := cur.Get(m, "score"); v != 7.0 {
		t.Errorf("score = %v (%T), want 7.0", v, v)
	}
	if v, _ := cur.Get(m, "level"); v != int64(2) {
		t.Errorf("level = %v, want the default 2", v)
	}
	if v, _ := cur.Get(m, "posts"); v != int64(1) {
		t.Errorf("posts = %v, want 1", v)
	}
	// The history of post is kept: the limit still counts the post.
	for range 2 {
		if res, err := r.Apply(t.Context(), "ann", "post", nil, at); err != nil || !res.Applied {
			t.Fatal(res, err)
		}
	}
	if res, _ := r.Apply(t.Context(), "ann", "post", nil, at); res.Applied {
		t.Error("a fourth post in a day was allowed: the migrated history lost the first")
	}
}

// A type change that loses the value is refused, naming the member and
// the attribute, and the snapshot is left as it was.
func TestMigrateRefusesLossyTypeChange(t *testing.T) {
	old := migrateCommunity(t, migrateOld)
	s := runtime.NewState(old)
	m, _ := old.Member(map[string]any{"nick": "x"})
	if err := s.Join("ann", m); err != nil {
		t.Fatal(err)
	}
	cur := migrateCommunity(t, strings.Replace(migrateOld, "nick: string", "nick: int", 1))
	snap := s.Snapshot()
	_, err := cur.Migrate(snap)
	if err == nil || !strings.Contains(err.Error(), `member "ann": attribute nick is now int`) {
		t.Fatalf("error = %v", err)
	}
	if _, ok := snap.Members[0].Attributes["gone"]; !ok {
		t.Error("a refused migration changed the snapshot")
	}
}

// Call.Args and SnapshotMember give back what makes the same call and
// the same member.
func TestArgsAndMemberRoundTrip(t *testing.T) {
	c := roundTripClub(t)
	k, err := c.Call("act", runtime.Args{"x": 3, "y": 0.1, "word": "hé"})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(k.Args())
	var back runtime.Args
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if err := dec.Decode(&back); err != nil {
		t.Fatal(err)
	}
	k2, err := c.Call("act", back)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := k.Args(), k2.Args(); a["x"] != b["x"] || a["y"] != b["y"] || a["word"] != b["word"] {
		t.Errorf("args %v, back %v", a, b)
	}
	g, err := c.Call("give", runtime.Args{"to": "bob", "amount": 2.5})
	if err != nil {
		t.Fatal(err)
	}
	if g.Args()["to"] != "bob" {
		t.Errorf("member argument = %v, want the ID", g.Args()["to"])
	}
	m, err := c.Member(map[string]any{"n": 4, "d": "36h", runtime.HistoryKey: map[string]any{"hello": []any{"2026-01-02T10:00:00Z"}}})
	if err != nil {
		t.Fatal(err)
	}
	ms := c.SnapshotMember("z", m)
	data, _ = json.Marshal(ms)
	var ms2 runtime.MemberSnapshot
	dec = json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if err := dec.Decode(&ms2); err != nil {
		t.Fatal(err)
	}
	m2, err := c.RestoreMember(ms2)
	if err != nil {
		t.Fatal(err)
	}
	data2, _ := json.Marshal(c.SnapshotMember("z", m2))
	if string(data) != string(data2) {
		t.Errorf("member round trip:\n%s\n%s", data, data2)
	}
}

// A snapshot that records a review of a duty the new rule file no longer
// declares migrates: the record is dropped and reported; the mute stays.
func TestMigrateDroppedDuty(t *testing.T) {
	src := `community Forum {
  member { posts: int }
  action visit()
  action report()
  roles {
    regular if posts >= 10
    newcomer otherwise
  }
  may visit, report
  must visit 1 per 7d if role == regular because "Regulars visit weekly" else warn
  must report 1 per 1d if role == regular else mute 2h
}
`
	p, err := runtime.CompileSource("f.charter", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	old := p.Community("Forum")
	s := runtime.NewState(old)
	m, _ := old.Member(map[string]any{"posts": 12})
	if err := s.Join("ann", m); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 9, 0, 0, 0, 0, time.UTC)
	if res, err := s.Review(t.Context(), at); err != nil || len(res.Sanctions) != 2 {
		t.Fatal(res, err)
	}
	p2, err := runtime.CompileSource("f.charter", []byte(strings.Replace(src, "  must visit 1 per 7d if role == regular because \"Regulars visit weekly\" else warn\n", "", 1)))
	if err != nil {
		t.Fatal(err)
	}
	cur := p2.Community("Forum")
	snap := s.Snapshot()
	if _, err := runtime.Restore(cur, snap); err == nil {
		t.Fatal("restore without Migrate: no error")
	}
	mig, err := cur.Migrate(snap)
	if err != nil {
		t.Fatal(err)
	}
	if got := mig.String(); !strings.Contains(got, "duty must visit 1 per 1w: no longer declared with a sanction, its last review dropped from 1 member") {
		t.Errorf("report:\n%s", got)
	}
	r, err := runtime.Restore(cur, snap)
	if err != nil {
		t.Fatal(err)
	}
	if scs := r.Sanctions("ann", at); len(scs) != 1 || scs[0].Sanction.Name != "mute" {
		t.Errorf("sanctions after the migration: %v", scs)
	}
}
