package dosim

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"net/http"
	"strconv"
)

// Metric series limits.
const (
	minMetricStep   = 60 // seconds
	maxMetricPoints = 300
)

// busyModes are the CPU modes other than idle and each one's base share of CPU time.
var busyModes = []struct {
	mode  string
	share float64
}{
	{"iowait", 0.004}, {"irq", 0}, {"nice", 0.0005}, {"softirq", 0.002},
	{"steal", 0.003}, {"system", 0.03}, {"user", 0.08},
}

// cpuProfile makes one Droplet's CPU counters: deterministic functions of its id and of
// the seconds since it was created, so the same question always gets the same numbers.
type cpuProfile struct {
	vcpus float64
	load  float64 // scales the busy modes, 0.5 to 1.5
	phase float64 // of the daily cycle
}

func newCPUProfile(d *droplet) cpuProfile {
	sum := sha256.Sum256([]byte("cpu/" + strconv.Itoa(d.id)))
	u := func(i int) float64 { return float64(binary.BigEndian.Uint32(sum[4*i:])) / math.MaxUint32 }
	return cpuProfile{vcpus: float64(d.size.VCPUs), load: 0.5 + u(0), phase: 2 * math.Pi * u(1)}
}

// counter is the CPU seconds spent in a busy mode with this base share after t seconds:
// the share rises and falls over the day (and a little over each hour) but never below
// a fifth of itself, so the counter only grows.
func (p cpuProfile) counter(share, t float64) float64 {
	if share == 0 {
		return 0
	}
	const day, hour = 86400.0, 3600.0
	wd, wh := 2*math.Pi/day, 2*math.Pi/hour
	rate := share * p.load
	v := rate*t + 0.6*rate/wd*(math.Sin(wd*t+p.phase)-math.Sin(p.phase)) +
		0.2*rate/wh*(math.Sin(wh*t+2*p.phase)-math.Sin(2*p.phase))
	return p.vcpus * v
}

// modes returns the counter of every mode after t seconds; idle takes the remainder.
func (p cpuProfile) modes(t float64) map[string]float64 {
	out := map[string]float64{}
	busy := 0.0
	for _, m := range busyModes {
		out[m.mode] = p.counter(m.share, t)
		busy += out[m.mode]
	}
	out["idle"] = p.vcpus*t - busy
	return out
}

// metricSeries is one labelled series of a Prometheus-style matrix.
type metricSeries struct {
	Metric map[string]string `json:"metric"`
	Values [][2]any          `json:"values"`
}

// metricsJSON is a Prometheus-style query answer.
type metricsJSON struct {
	Status string `json:"status"`
	Data   struct {
		ResultType string         `json:"resultType"`
		Result     []metricSeries `json:"result"`
	} `json:"data"`
}

// metricWindow reads host_id, start and end, answering 422 when they do not make sense.
func metricWindow(w http.ResponseWriter, r *http.Request) (id int, start, end int64, ok bool) {
	q := r.URL.Query()
	id, err := strconv.Atoi(q.Get("host_id"))
	if err != nil || id < 1 {
		unprocessable(w, r, "host_id must be the id of a Droplet")
		return 0, 0, 0, false
	}
	start, err1 := strconv.ParseInt(q.Get("start"), 10, 64)
	end, err2 := strconv.ParseInt(q.Get("end"), 10, 64)
	if err1 != nil || err2 != nil || start < 0 || end < start {
		unprocessable(w, r, "start and end must be Unix timestamps with start before end")
		return 0, 0, 0, false
	}
	return id, start, end, true
}

// getDropletCPU answers GET /v2/monitoring/metrics/droplet/cpu: the CPU seconds of each
// mode, sampled every step from start to end while the Droplet existed.
func (s *Server) getDropletCPU(w http.ResponseWriter, r *http.Request, c caller) {
	id, start, end, ok := metricWindow(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	d, found := s.st.teams[c.team.UUID].droplet(id)
	now := s.now()
	s.mu.Unlock()
	if !found {
		notFound(w, r)
		return
	}
	from := max(start, d.created.Unix())
	to := min(end, now.Unix())
	writeJSON(w, http.StatusOK, cpuMatrix(d, from, to, metricStep(start, end)))
}

// metricStep picks a step, a whole number of minutes, that keeps a window within maxMetricPoints.
func metricStep(start, end int64) int64 {
	step := (end - start + maxMetricPoints - 1) / maxMetricPoints
	return max(minMetricStep, (step+minMetricStep-1)/minMetricStep*minMetricStep)
}

// cpuMatrix samples the Droplet's counters at the multiples of step within [from, to].
func cpuMatrix(d *droplet, from, to, step int64) metricsJSON {
	p := newCPUProfile(d)
	host := strconv.Itoa(d.id)
	modes := append([]string{"idle"}, busyModeNames()...)
	series := make([]metricSeries, len(modes))
	for i, m := range modes {
		series[i] = metricSeries{Metric: map[string]string{"host_id": host, "mode": m}, Values: [][2]any{}}
	}
	created := d.created.Unix()
	for ts := (from + step - 1) / step * step; ts <= to && from <= to; ts += step {
		vals := p.modes(float64(ts - created))
		for i, m := range modes {
			series[i].Values = append(series[i].Values, [2]any{ts, strconv.FormatFloat(vals[m], 'f', 2, 64)})
		}
	}
	var out metricsJSON
	out.Status, out.Data.ResultType, out.Data.Result = "success", "matrix", series
	return out
}

// busyModeNames lists the busy modes in order.
func busyModeNames() []string {
	out := make([]string, len(busyModes))
	for i, m := range busyModes {
		out[i] = m.mode
	}
	return out
}
