package sqlstore

import (
	"fmt"
	"strings"
	"time"
)

// textTimeLayout is fixed-width so stored text sorts like the times it encodes.
const textTimeLayout = "2006-01-02T15:04:05.000000Z"

// TextTime encodes t as fixed-width UTC text with microseconds, for engines without a time type.
func TextTime(t time.Time) string { return t.UTC().Format(textTimeLayout) }

// normTime is t as every engine stores it: UTC, truncated to microseconds.
func normTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// timeArg encodes t for the dialect.
func (s *Store) timeArg(t time.Time) any { return s.dialect.TimeValue(normTime(t)) }

// nullTimeArg encodes t for the dialect, nil as NULL.
func (s *Store) nullTimeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return s.timeArg(*t)
}

// timeDest scans a NOT NULL time column: a driver time, or text in textTimeLayout or RFC 3339.
type timeDest struct{ t *time.Time }

func (d timeDest) Scan(src any) error {
	t, err := parseTime(src)
	if err != nil {
		return err
	}
	*d.t = t
	return nil
}

// nullTimeDest scans a nullable time column into a *time.Time that stays nil for NULL.
type nullTimeDest struct{ t **time.Time }

func (d nullTimeDest) Scan(src any) error {
	if src == nil {
		*d.t = nil
		return nil
	}
	t, err := parseTime(src)
	if err != nil {
		return err
	}
	*d.t = &t
	return nil
}

func parseTime(src any) (time.Time, error) {
	switch v := src.(type) {
	case time.Time:
		return v.UTC(), nil
	case string:
		return parseTimeText(v)
	case []byte:
		return parseTimeText(string(v))
	default:
		return time.Time{}, fmt.Errorf("scan time: unsupported type %T", src)
	}
}

func parseTimeText(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("scan time %q: %w", s, err)
	}
	return t.UTC(), nil
}

// joinWords stores a list of words (capabilities, OAuth scopes) as space-separated text.
func joinWords[T ~string](words []T) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = string(w)
	}
	return strings.Join(parts, " ")
}

// splitWords reads joinWords' text back; no words is an empty, non-nil slice.
func splitWords[T ~string](text string) []T {
	out := []T{}
	for _, w := range strings.Fields(text) {
		out = append(out, T(w))
	}
	return out
}

// nullBytes stores empty bytes as NULL so nil and empty read back the same (as nil).
func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// bytesDest scans a nullable BLOB/bytea column; NULL and empty read as nil.
type bytesDest struct{ b *[]byte }

func (d bytesDest) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d.b = nil
	case []byte:
		*d.b = nil
		if len(v) > 0 {
			*d.b = append([]byte(nil), v...)
		}
	default:
		return fmt.Errorf("scan bytes: unsupported type %T", src)
	}
	return nil
}
