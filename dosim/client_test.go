package dosim_test

import (
	"testing"

	"github.com/berth-dev/berth/dosim"
)

func TestParseClientFlag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    dosim.Client
		wantErr bool
	}{
		{"berth:s3cret:http://127.0.0.1:8080/oauth/callback",
			dosim.Client{ID: "berth", Secret: "s3cret", RedirectURI: "http://127.0.0.1:8080/oauth/callback"}, false},
		{"id:secret:https://berth.example/cb?x=a:b", dosim.Client{ID: "id", Secret: "secret", RedirectURI: "https://berth.example/cb?x=a:b"}, false},
		{"id:secret", dosim.Client{}, true},
		{":secret:https://berth.example/cb", dosim.Client{}, true},
		{"id::https://berth.example/cb", dosim.Client{}, true},
		{"id:secret:/relative/cb", dosim.Client{}, true},
		{"id:secret:https://berth.example/cb#frag", dosim.Client{}, true},
	}
	for _, tt := range tests {
		got, err := dosim.ParseClientFlag(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseClientFlag(%q) = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
