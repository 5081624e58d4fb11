package dosim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
)

// maxBodyBytes bounds request bodies.
const maxBodyBytes = 1 << 20

// decodeBody parses a JSON request body into v, a pointer to a struct. Like DigitalOcean it
// answers 400 when the body is not JSON at all, and 422 naming the field when a field has
// the wrong type or is null without being listed in nullable. Unknown fields are ignored.
func decodeBody(w http.ResponseWriter, r *http.Request, v any, nullable ...string) bool {
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		badRequest(w, r, msgBadBody)
		return false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		badRequest(w, r, msgBadBody)
		return false
	}
	status, msg := decodeJSON(body, v, nullable)
	switch status {
	case http.StatusBadRequest:
		badRequest(w, r, msg)
		return false
	case http.StatusUnprocessableEntity:
		unprocessable(w, r, msg)
		return false
	}
	return true
}

// decodeJSON unmarshals body into v and returns 0, or the status and message to refuse it with.
func decodeJSON(body []byte, v any, nullable []string) (int, string) {
	if !json.Valid(body) {
		return http.StatusBadRequest, msgBadBody
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return http.StatusUnprocessableEntity, "the request body must be a JSON object"
	}
	for _, name := range jsonFields(v) {
		if string(raw[name]) == "null" && !slices.Contains(nullable, name) {
			return http.StatusUnprocessableEntity, name + " must not be null"
		}
	}
	var te *json.UnmarshalTypeError
	if err := json.Unmarshal(body, v); errors.As(err, &te) {
		return http.StatusUnprocessableEntity, typeErrorMessage(te)
	} else if err != nil {
		return http.StatusUnprocessableEntity, err.Error()
	}
	return 0, ""
}

// jsonFields lists the JSON names of the fields of the struct v points to.
func jsonFields(v any) []string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// jsonTyped is implemented by request types that accept more than one JSON type, to say
// which in error messages.
type jsonTyped interface{ jsonType() string }

// typeErrorMessage names the field and the type it should have had.
func typeErrorMessage(te *json.UnmarshalTypeError) string {
	field := te.Field
	if field == "" {
		return "the request body must be a JSON object"
	}
	return fmt.Sprintf("%s has the wrong type: want %s, got %s", field, jsonTypeName(te.Type), te.Value)
}

// jsonTypeName describes a Go type as the JSON type it decodes from.
func jsonTypeName(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	if jt, ok := reflect.Zero(t).Interface().(jsonTyped); ok {
		return jt.jsonType()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Pointer:
		return jsonTypeName(t.Elem())
	}
	return "an object"
}

// stringOrInt is a JSON value that may be a string or an integer (an image slug or id, an
// SSH key fingerprint or id).
type stringOrInt struct {
	str   string
	num   int
	isNum bool
}

func (v *stringOrInt) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &v.num); err == nil {
		v.isNum = true
		return nil
	}
	if err := json.Unmarshal(b, &v.str); err == nil {
		return nil
	}
	return &json.UnmarshalTypeError{Value: jsonKind(b), Type: reflect.TypeFor[stringOrInt]()}
}

func (stringOrInt) jsonType() string { return "a string or an integer" }

// String returns the value as DigitalOcean would echo it in a message.
func (v stringOrInt) String() string {
	if v.isNum {
		return fmt.Sprint(v.num)
	}
	return v.str
}

// jsonKind names the JSON type of a raw value, for error messages.
func jsonKind(b []byte) string {
	switch s := strings.TrimSpace(string(b)); {
	case s == "null":
		return "null"
	case strings.HasPrefix(s, `"`):
		return "string"
	case strings.HasPrefix(s, "["):
		return "array"
	case strings.HasPrefix(s, "{"):
		return "object"
	case s == "true" || s == "false":
		return "bool"
	}
	return "number"
}
