// Package archtest holds tests about the code base itself: the import graph
// between signpost's packages follows DESIGN.md, and every package says
// what it is for.
package archtest
