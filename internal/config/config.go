// Package config reads signpost.yaml: strict decoding (an unknown key is an
// error), defaults for every key, and paths resolved relative to the file.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/signpost-dns/signpost/internal/model"
)

// Config is the whole of signpost.yaml.
type Config struct {
	DNS         DNS                 `yaml:"dns"`
	HTTP        HTTP                `yaml:"http"`
	GeoIP       GeoIP               `yaml:"geoip"`
	Zones       Zones               `yaml:"zones"`
	Healthcheck Healthcheck         `yaml:"healthcheck"`
	Notify      Notify              `yaml:"notify"`
	Providers   map[string]Provider `yaml:"providers"`
	Reconcile   Reconcile           `yaml:"reconcile"`
	StateDir    string              `yaml:"state_dir"` // signpost's own state, such as zone-creation references
	Log         Log                 `yaml:"log"`
	Store       Store               `yaml:"store"`
	Regions     map[string]Region   `yaml:"regions"`
	Policies    Policies            `yaml:"policies"`
	Metrics     Metrics             `yaml:"metrics"`

	// Path is the file the configuration was read from.
	Path string `yaml:"-"`
}

// DNS configures the listeners.
type DNS struct {
	// Listen lists host:port addresses; each gets UDP and TCP.
	Listen []string `yaml:"listen"`
	// MaxUDPSize caps the UDP response size a client's EDNS0 buffer may ask
	// for (default 1232, the DNS Flag Day 2020 value).
	MaxUDPSize int `yaml:"max_udp_size"`
	// RawUDP reads UDP with readers blocked in recvmmsg on their own OS
	// threads, on a socket the netpoller never sees (Linux; default on:
	// about 10% less CPU per query, bench/README.md). false reads through
	// Go's netpoller.
	RawUDP bool `yaml:"raw_udp"`
}

// HTTP configures the operations listener (/healthz, /metrics).
type HTTP struct {
	Listen string `yaml:"listen"` // "" disables it
	Pprof  bool   `yaml:"pprof"`  // serve Go's /debug/pprof/ profiles
}

// Metrics configures what /metrics exposes.
type Metrics struct {
	// PerRecord labels signpost_dns_answers_total with each dynamic
	// record's name: one series per record and pool, so keep it off when
	// zones hold many dynamic records. Off, answers are counted by zone,
	// type and pool. Read at start; a reload does not change it.
	PerRecord bool `yaml:"per_record"`
}

// GeoIP configures client location.
type GeoIP struct {
	// Database is a MaxMind DB file. Empty means the embedded country data;
	// "none" disables GeoIP.
	Database string `yaml:"database"`
}

// Zones configures where zones come from and their SOA values.
type Zones struct {
	// Directory holds the zone files, one per zone, named after the zone
	// (example.com.yaml), in octoDNS's YAML format.
	Directory string `yaml:"directory"`
	// SOA sets the synthesized SOA record of every zone.
	SOA SOA `yaml:"soa"`
	// Overrides holds per-zone settings, keyed by zone name with its
	// trailing dot.
	Overrides map[string]Zone `yaml:"overrides"`
	// Targets are the providers every zone is pushed to by plan and apply.
	Targets []string `yaml:"targets"`
	// Watch reloads when a file in Directory changes, checked every
	// WatchInterval. SIGHUP reloads either way.
	Watch bool `yaml:"watch"`
	// WatchInterval is how often Directory is checked for changes when
	// Watch is on.
	WatchInterval Duration `yaml:"watch_interval"`
}

// Healthcheck holds the probe defaults; records override them under
// octodns.signpost.healthcheck.
type Healthcheck struct {
	Interval    Duration `yaml:"interval"`    // time between probes of a target (at least 100ms)
	Timeout     Duration `yaml:"timeout"`     // a probe's time limit; must be below the interval
	Failures    int      `yaml:"failures"`    // consecutive failures before a target is down
	Successes   int      `yaml:"successes"`   // consecutive successes before a target is up again
	Concurrency int      `yaml:"concurrency"` // probes in flight at once
}

// Notify configures where health transitions are reported.
type Notify struct {
	Webhooks []Webhook `yaml:"webhooks"`
	Email    *Email    `yaml:"email"`
}

// Webhook receives a JSON POST for each transition.
type Webhook struct {
	URL     string   `yaml:"url"`     // http:// or https:// URL the JSON is posted to
	Events  []string `yaml:"events"`  // up, down; empty means both
	Timeout Duration `yaml:"timeout"` // of one POST; 0: 5s
}

// Email sends a mail for each transition through an SMTP server.
type Email struct {
	SMTP     string   `yaml:"smtp"`     // host:port
	From     string   `yaml:"from"`     // the sender's address
	To       []string `yaml:"to"`       // the recipients' addresses
	Username string   `yaml:"username"` // SMTP authentication; empty: none
	Password string   `yaml:"password"` // env/NAME reads the environment
	On       []string `yaml:"on"`       // up, down; empty means both
}

// Zone holds per-zone settings.
type Zone struct {
	SOA     SOA      `yaml:"soa"`
	Targets []string `yaml:"targets"` // overrides zones.targets
}

// Provider configures one provider target.
type Provider struct {
	Type            string `yaml:"type" enum:"route53,rfc2136"` // the kind of provider
	AccessKeyID     string `yaml:"access_key_id"`               // env/NAME; empty: the AWS default chain
	SecretAccessKey string `yaml:"secret_access_key"`           // env/NAME
	Profile         string `yaml:"profile"`                     // route53: a profile of the AWS shared configuration
	Region          string `yaml:"region"`                      // route53: the API's region; empty: us-east-1
	Endpoint        string `yaml:"endpoint"`                    // route53: an emulator, e.g. http://127.0.0.1:5055
	MaxChanges      int    `yaml:"max_changes"`                 // route53: resource records per change batch; 0: 1000, Route53's cap
	// RequestsPerSecond caps the API request rate; default 4 (Route53
	// allows 5 per second per account). Raise it only for an emulator.
	RequestsPerSecond float64 `yaml:"requests_per_second"`
	// Keep leaves records that are absent from the zone files alone; by
	// default a managed zone is managed whole.
	Keep bool `yaml:"keep"`

	// rfc2136: the primary that takes updates (host:port), its TSIG key
	// and the timeout of one exchange (default 5 s).
	Server  string   `yaml:"server"`  // rfc2136: the primary's host:port
	TSIG    *TSIG    `yaml:"tsig"`    // rfc2136: the transaction key; none: unsigned
	Timeout Duration `yaml:"timeout"` // rfc2136: of one exchange; 0: 5s

	// signpost (the agent's): a signpost server's URL and API token.
	URL   string `yaml:"url"`
	Token string `yaml:"token"` // env/NAME reads the environment
}

// TSIG is an RFC 2136 provider's transaction key.
type TSIG struct {
	Name      string `yaml:"name"`      // e.g. signpost-key.
	Algorithm string `yaml:"algorithm"` // hmac-sha256 (default), hmac-sha512, hmac-sha384, hmac-sha224, hmac-sha1
	Secret    string `yaml:"secret"`    // base64; env/NAME reads the environment
}

// Reconcile configures pushing zones to their targets from `serve`.
type Reconcile struct {
	// Interval is how often serve pushes: zone files whole, store zones
	// when they have writes not pushed yet. Default 10 s; 0: off.
	Interval Duration `yaml:"interval"`
	// DriftInterval is how often clean store zones are compared with
	// their providers and what differs repaired. Default 15 minutes.
	DriftInterval Duration `yaml:"drift_interval"`
	Force         bool     `yaml:"force"` // apply even past the safety thresholds
}

// SOA holds synthesized SOA values; zero fields take the defaults.
type SOA struct {
	Primary     string   `yaml:"primary"`      // MNAME; empty: the zone's first NS
	Email       string   `yaml:"email"`        // RNAME as an address or a name; empty: hostmaster.<zone>
	TTL         Duration `yaml:"ttl"`          // of the SOA record; 0: 1h
	Refresh     Duration `yaml:"refresh"`      // 0: 1h
	Retry       Duration `yaml:"retry"`        // 0: 10m
	Expire      Duration `yaml:"expire"`       // 0: 168h (7 days)
	NegativeTTL Duration `yaml:"negative_ttl"` // how long resolvers cache NXDOMAIN (the MINIMUM field); 0: 5m
}

// Store says where signpost keeps the state it owns (zinc's IPs,
// policies, store zones, API tokens, events).
type Store struct {
	// URL is a SQLite file ("signpost.db", relative to the config file,
	// optionally "sqlite://"-prefixed) or "postgres://..."; "none" keeps
	// no store. A new URL takes effect at the next restart.
	URL string `yaml:"url"`
	// PollInterval is how often a node looks for writes to the store by
	// other processes (another node on the same PostgreSQL, `signpost
	// import zinc`): one read of a version row. Its own writes reload at
	// once. 0 turns polling off.
	PollInterval Duration `yaml:"poll_interval"`
}

// Region is a user region for latency policies.
type Region struct {
	Latitude  float64 `yaml:"latitude"`  // degrees, -90..90
	Longitude float64 `yaml:"longitude"` // degrees, -180..180
}

// Policies configures zinc-style policies.
type Policies struct {
	// Healthcheck is the check of every IP without one of its own
	// (zinc's: HTTP on port 80, path /status); timing and thresholds left
	// out come from healthcheck:.
	Healthcheck PolicyCheck `yaml:"healthcheck"`
}

// PolicyCheck is a health check as signpost.yaml writes it.
type PolicyCheck struct {
	Protocol  string   `yaml:"protocol" enum:"HTTP,HTTPS,TCP,ICMP"`
	Port      uint16   `yaml:"port"`      // TCP port probed (not ICMP)
	Path      string   `yaml:"path"`      // HTTP(S): the path requested
	Host      string   `yaml:"host"`      // HTTP(S): the Host header and TLS name; empty: the IP
	Interval  Duration `yaml:"interval"`  // 0: healthcheck.interval
	Timeout   Duration `yaml:"timeout"`   // 0: healthcheck.timeout
	Failures  int      `yaml:"failures"`  // 0: healthcheck.failures
	Successes int      `yaml:"successes"` // 0: healthcheck.successes
}

// Log configures logging.
type Log struct {
	Format string `yaml:"format" enum:"text,json"`            // the log lines' format, on stderr
	Level  string `yaml:"level" enum:"debug,info,warn,error"` // the least severe level logged
}

// Logger returns a logger writing to w in l's format, from l's level up.
func (l Log) Logger(w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(l.Level))
	opts := &slog.HandlerOptions{Level: level}
	if l.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Duration is a time span written as "90s", "1h" or a number of seconds.
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := model.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = Duration(v)
	return nil
}

// Seconds returns d in whole seconds.
func (d Duration) Seconds() uint32 { return uint32(time.Duration(d) / time.Second) }

// Default returns the configuration used for keys a file leaves out.
func Default() Config {
	probe := model.DefaultProbeTiming()
	return Config{
		DNS:   DNS{Listen: []string{"127.0.0.1:1053"}, MaxUDPSize: model.DefaultMaxUDPSize, RawUDP: true},
		HTTP:  HTTP{Listen: "127.0.0.1:8053"},
		Zones: Zones{Directory: "zones", WatchInterval: Duration(2 * time.Second)},
		Healthcheck: Healthcheck{
			Interval: Duration(probe.Interval), Timeout: Duration(probe.Timeout),
			Failures: probe.Failures, Successes: probe.Successes, Concurrency: 256,
		},
		StateDir:  ".signpost",
		Reconcile: Reconcile{Interval: Duration(10 * time.Second), DriftInterval: Duration(15 * time.Minute)},
		Store:     Store{URL: "signpost.db", PollInterval: Duration(2 * time.Second)},
		Policies:  Policies{Healthcheck: PolicyCheck{Protocol: "HTTP", Port: 80, Path: "/status"}},
		Log:       Log{Format: "text", Level: "info"},
	}
}

// Load reads and checks a configuration file.
func Load(path string) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return Parse(path, src)
}

// Parse decodes configuration from src; path names it in errors and anchors
// relative paths.
func Parse(path string, src []byte) (*Config, error) {
	c := Default()
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	c.Path = path
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c.resolve(filepath.Dir(path))
	return &c, nil
}

func (c *Config) check() error {
	var errs []error
	if len(c.DNS.Listen) == 0 {
		errs = append(errs, errors.New("dns.listen: at least one address is required"))
	}
	if c.DNS.MaxUDPSize < 512 || c.DNS.MaxUDPSize > 65535 {
		errs = append(errs, fmt.Errorf("dns.max_udp_size: %d is outside 512..65535", c.DNS.MaxUDPSize))
	}
	errs = append(errs, checkEnum("log.format", c.Log.Format, enumOf[Log]("Format")))
	errs = append(errs, checkEnum("log.level", c.Log.Level, enumOf[Log]("Level")))
	errs = append(errs, c.Healthcheck.check()...)
	errs = append(errs, c.checkPolicies()...)
	errs = append(errs, c.Notify.check()...)
	errs = append(errs, c.checkProviders()...)
	for name := range c.Zones.Overrides {
		if !strings.HasSuffix(name, ".") {
			errs = append(errs, fmt.Errorf("zones.overrides: zone %q must end with a dot", name))
		}
	}
	return errors.Join(errs...)
}

func (h Healthcheck) check() []error {
	var errs []error
	if h.Interval < Duration(model.MinInterval) {
		errs = append(errs, fmt.Errorf("healthcheck.interval: %s is below %s", time.Duration(h.Interval), model.MinInterval))
	}
	if h.Timeout <= 0 || h.Timeout >= h.Interval {
		errs = append(errs, fmt.Errorf("healthcheck.timeout: %s must be above 0 and below the interval %s", time.Duration(h.Timeout), time.Duration(h.Interval)))
	}
	if h.Failures < 1 || h.Successes < 1 {
		errs = append(errs, errors.New("healthcheck.failures and healthcheck.successes must be at least 1"))
	}
	if h.Concurrency < 1 {
		errs = append(errs, errors.New("healthcheck.concurrency must be at least 1"))
	}
	return errs
}

func (n Notify) check() []error {
	var errs []error
	for i, w := range n.Webhooks {
		if !strings.HasPrefix(w.URL, "http://") && !strings.HasPrefix(w.URL, "https://") {
			errs = append(errs, fmt.Errorf("notify.webhooks[%d].url: %q is not an http(s) URL", i, w.URL))
		}
		errs = append(errs, checkEvents(fmt.Sprintf("notify.webhooks[%d].events", i), w.Events)...)
	}
	if e := n.Email; e != nil {
		if e.SMTP == "" || e.From == "" || len(e.To) == 0 {
			errs = append(errs, errors.New("notify.email: smtp, from and to are required"))
		}
		errs = append(errs, checkEvents("notify.email.on", e.On)...)
	}
	return errs
}

func checkEvents(where string, evs []string) []error {
	var errs []error
	for _, e := range evs {
		if e != "up" && e != "down" {
			errs = append(errs, fmt.Errorf("%s: %q is not up or down", where, e))
		}
	}
	return errs
}

// Secret resolves an octoDNS-style env/NAME reference.
func Secret(v string) string {
	if name, ok := strings.CutPrefix(v, "env/"); ok {
		return os.Getenv(name)
	}
	return v
}

func (c *Config) resolve(dir string) {
	rel := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	c.Zones.Directory = rel(c.Zones.Directory)
	c.StateDir = rel(c.StateDir)
	if c.Store.URL != "none" && !strings.Contains(c.Store.URL, "://") {
		c.Store.URL = rel(c.Store.URL)
	} else if path, ok := strings.CutPrefix(c.Store.URL, "sqlite://"); ok {
		c.Store.URL = rel(path)
	}
	if c.GeoIP.Database != "none" {
		c.GeoIP.Database = rel(c.GeoIP.Database)
	}
}

// SOAFor returns the SOA settings for zone: its override's non-zero fields
// over the zones-wide ones.
func (c *Config) SOAFor(zone string) SOA {
	s := c.Zones.SOA
	o, ok := c.Zones.Overrides[zone]
	if !ok {
		return s
	}
	pick := func(a, b Duration) Duration {
		if b != 0 {
			return b
		}
		return a
	}
	if o.SOA.Primary != "" {
		s.Primary = o.SOA.Primary
	}
	if o.SOA.Email != "" {
		s.Email = o.SOA.Email
	}
	s.TTL = pick(s.TTL, o.SOA.TTL)
	s.Refresh = pick(s.Refresh, o.SOA.Refresh)
	s.Retry = pick(s.Retry, o.SOA.Retry)
	s.Expire = pick(s.Expire, o.SOA.Expire)
	s.NegativeTTL = pick(s.NegativeTTL, o.SOA.NegativeTTL)
	return s
}

func (c *Config) checkProviders() []error {
	var errs []error
	for name, p := range c.Providers {
		switch p.Type {
		case "route53":
		case "rfc2136":
			if _, _, err := net.SplitHostPort(p.Server); err != nil {
				errs = append(errs, fmt.Errorf("providers.%s.server: %q is not host:port of the primary that takes updates", name, p.Server))
			}
			if k := p.TSIG; k != nil && (k.Name == "" || k.Secret == "") {
				errs = append(errs, fmt.Errorf("providers.%s.tsig: name and secret are required", name))
			}
		default:
			errs = append(errs, fmt.Errorf("providers.%s.type: %q is not a known provider type (%s)", name, p.Type, strings.Join(enumOf[Provider]("Type"), ", ")))
		}
		if p.RequestsPerSecond < 0 {
			errs = append(errs, fmt.Errorf("providers.%s.requests_per_second: %g is below 0", name, p.RequestsPerSecond))
		}
		if p.MaxChanges < 0 || p.MaxChanges > 1000 {
			errs = append(errs, fmt.Errorf("providers.%s.max_changes: %d is outside 1..1000", name, p.MaxChanges))
		}
	}
	check := func(where string, targets []string) {
		for _, t := range targets {
			if _, ok := c.Providers[t]; !ok {
				errs = append(errs, fmt.Errorf("%s: target %q is not a provider under providers", where, t))
			}
		}
	}
	check("zones.targets", c.Zones.Targets)
	for name, z := range c.Zones.Overrides {
		check("zones.overrides."+name+".targets", z.Targets)
	}
	return errs
}

// TargetsFor returns the providers zone is pushed to.
func (c *Config) TargetsFor(zone string) []string {
	if o, ok := c.Zones.Overrides[zone]; ok && o.Targets != nil {
		return o.Targets
	}
	return c.Zones.Targets
}

func (c *Config) checkPolicies() []error {
	var errs []error
	errs = append(errs, checkEnum("policies.healthcheck.protocol", c.Policies.Healthcheck.Protocol, enumOf[PolicyCheck]("Protocol")))
	for code, r := range c.Regions {
		if r.Latitude < -90 || r.Latitude > 90 || r.Longitude < -180 || r.Longitude > 180 {
			errs = append(errs, fmt.Errorf("regions.%s: %g, %g is not a latitude and a longitude", code, r.Latitude, r.Longitude))
		}
	}
	u := c.Store.URL
	if strings.Contains(u, "://") && !strings.HasPrefix(u, "sqlite://") && !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		errs = append(errs, fmt.Errorf("store.url: %q is not a SQLite path, sqlite://, postgres:// or none", u))
	}
	return errs
}
