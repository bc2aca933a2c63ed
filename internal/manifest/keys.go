package manifest

import (
	"strconv"
	"strings"
)

// MaxSuggest is the longest string "did you mean" considers, in bytes: a typo
// of a key, a value or a function name is short, and longer strings would
// only make the comparison slower.
const MaxSuggest = 64

// Closest returns the candidate nearest to s when it is close enough to be a
// typo of it: the same but for case, dashes and underscores, or within two
// edits (one for candidates of four letters or less). It returns "" for s or
// candidates longer than MaxSuggest, and compares only candidates whose
// length is within the edit limit of s, each in time linear in its length:
// one call costs at most len(candidates) × 5 × MaxSuggest steps.
func Closest(s string, candidates []string) string {
	if len(s) > MaxSuggest {
		return ""
	}
	ns := normalize(s)
	best, bestD := "", 3
	for _, c := range candidates {
		if len(c) > MaxSuggest {
			continue
		}
		nc := normalize(c)
		if nc == ns {
			return c
		}
		limit := 2
		if len(c) <= 4 {
			limit = 1
		}
		if d := boundedDistance(ns, nc, limit); d <= limit && d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func normalize(s string) string { return strings.ReplaceAll(strings.ToLower(s), "-", "_") }

// boundedDistance is the edit distance of a and b (Levenshtein, with an
// adjacent transposition counted as one edit) when it is at most k, and k+1
// otherwise. Only the diagonal band |i-j| <= k is computed.
func boundedDistance(a, b string, k int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > k || -d > k {
		return k + 1
	}
	const inf = 1 << 20
	width := len(rb) + 1
	prev2 := make([]int, width)
	prev := make([]int, width)
	cur := make([]int, width)
	for j := range prev {
		prev[j] = inf
		if j <= k {
			prev[j] = j
		}
	}
	for i := 1; i <= len(ra); i++ {
		lo, hi := max(1, i-k), min(len(rb), i+k)
		for j := range cur {
			cur[j] = inf
		}
		if i <= k {
			cur[0] = i
		}
		rowMin := cur[0]
		for j := lo; j <= hi; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > k {
			return k + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	if d := prev[len(rb)]; d <= k {
		return d
	}
	return k + 1
}

func quote(s string) string { return strconv.Quote(s) }
func itoa(i int) string     { return strconv.Itoa(i) }
