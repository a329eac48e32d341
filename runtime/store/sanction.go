package store

import (
	"context"
	"time"

	"github.com/charterlang/charter/runtime"
)

// Review checks every member's duties at time at and applies the sanction
// of each unmet duty that has one, as runtime.State.Review does, and
// reports what it did likewise (the sanctions and the role and badge
// changes they caused); the sanctions it applied are durable when it
// returns.
func (d *State) Review(ctx context.Context, at time.Time) (runtime.ReviewResult, error) {
	o := &op{Op: "review", At: &at}
	var res runtime.ReviewResult
	err := d.mutate(ctx, o, func(s *runtime.State) error {
		var err error
		res, err = s.Review(ctx, at)
		return err
	})
	if err != nil {
		return runtime.ReviewResult{}, err
	}
	return res, nil
}

// Lift ends the sanction ("mute" or "remove") that holds member id, as
// runtime.State.Lift does, durably.
func (d *State) Lift(id, sanction string) error {
	ctx, cancel := d.ctx()
	defer cancel()
	return d.mutate(ctx, &op{Op: "lift", ID: id, Sanction: sanction}, func(s *runtime.State) error { return s.Lift(id, sanction) })
}

// Sanctions returns the sanctions that hold for member id at time at.
func (d *State) Sanctions(id string, at time.Time) []runtime.Sanctioned {
	return d.s.Load().Sanctions(id, at)
}
