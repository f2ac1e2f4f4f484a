package health

import (
	"container/heap"
	"time"
)

// entry is one target under the scheduler.
type entry struct {
	target Target
	state  *state
	due    time.Time // next probe
	index  int       // in the queue; -1 when removed

	running bool // a probe is in flight; guarded by Checker.mu
}

// queue is a min-heap of entries by due time.
type queue []*entry

func (q queue) Len() int           { return len(q) }
func (q queue) Less(i, j int) bool { return q[i].due.Before(q[j].due) }
func (q queue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index, q[j].index = i, j
}
func (q *queue) Push(x any) {
	e := x.(*entry)
	e.index = len(*q)
	*q = append(*q, e)
}
func (q *queue) Pop() any {
	old := *q
	e := old[len(old)-1]
	old[len(old)-1] = nil
	e.index = -1
	*q = old[:len(old)-1]
	return e
}

// next returns the first slot after now on due's grid: a probe that could
// not start on time skips the slots it missed rather than bursting.
func next(due time.Time, interval time.Duration, now time.Time) time.Time {
	due = due.Add(interval)
	if !due.After(now) {
		missed := now.Sub(due)/interval + 1
		due = due.Add(missed * interval)
	}
	return due
}

// job is one probe to run.
type job struct {
	e     *entry
	slot  time.Time // when it was due
	probe Target    // the target as of dispatch
}

// dispatch pops every due entry, reschedules it, and returns the jobs to
// run and how long to wait for the next. Entries whose previous probe is
// still running are skipped for this slot.
func (c *Checker) dispatch(now time.Time) ([]job, time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var jobs []job
	for c.queue.Len() > 0 && !c.queue[0].due.After(now) {
		e := c.queue[0]
		slot := e.due
		e.due = next(e.due, e.target.Check.Interval, now)
		heap.Fix(&c.queue, 0)
		if e.running {
			c.metrics.skipped()
			continue
		}
		e.running = true
		jobs = append(jobs, job{e: e, slot: slot, probe: e.target})
	}
	wait := time.Hour
	if c.queue.Len() > 0 {
		wait = c.queue[0].due.Sub(now)
	}
	return jobs, wait
}
