package agent

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/signpost-dns/signpost/internal/config"
	"github.com/signpost-dns/signpost/internal/model"
)

// Config is agent.yaml.
type Config struct {
	Record   string          `yaml:"record"` // the round-robin name
	Type     string          `yaml:"type"`   // A or AAAA
	TTL      uint32          `yaml:"ttl"`    // when the agent creates the set
	Zone     string          `yaml:"zone"`   // "": found at the provider
	Provider config.Provider `yaml:"provider"`
	Self     Self            `yaml:"self"`
	Check    Check           `yaml:"check"`
	Interval config.Duration `yaml:"interval"`
	Timeout  config.Duration `yaml:"timeout"`
	Failures int             `yaml:"failures"` // consecutive failures before a peer is dead
	Quorum   string          `yaml:"quorum"`   // majority or none
	// WithdrawOnStop takes the own address out before exiting on SIGTERM.
	WithdrawOnStop bool `yaml:"withdraw_on_stop"`
	HTTP           struct {
		Listen string `yaml:"listen"` // /healthz, /metrics; "": none
	} `yaml:"http"`
	Log config.Log `yaml:"log"`

	// Path is the file the configuration was read from.
	Path string `yaml:"-"`
}

// Self says which address is this agent's own: given, the first of the
// record's type on an interface, or what a URL answers (the caller's
// address as some service sees it). Exactly one.
type Self struct {
	Address   string `yaml:"address"`
	Interface string `yaml:"interface"`
	URL       string `yaml:"url"`
}

// Check is how the agent checks an address: a signpost probe, or a
// command ({address} replaced) whose exit status 0 means healthy.
type Check struct {
	Protocol string   `yaml:"protocol"` // HTTP, HTTPS, TCP, ICMP
	Port     uint16   `yaml:"port"`
	Path     string   `yaml:"path"`
	Host     string   `yaml:"host"`
	Command  []string `yaml:"command"`
}

// Load reads and checks agent.yaml: every problem at once, nothing
// started.
func Load(path string) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading agent config: %w", err)
	}
	c := &Config{Type: "A", TTL: 30, Interval: config.Duration(5 * time.Second), Timeout: config.Duration(2 * time.Second),
		Failures: 3, Quorum: "majority", Path: path, Log: config.Log{Format: "text", Level: "info"}}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if errs := c.check(); len(errs) > 0 {
		return nil, fmt.Errorf("%s: %w", path, errors.Join(errs...))
	}
	return c, nil
}

func (c *Config) check() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Record == "" {
		bad("record: the round-robin name is required")
	}
	c.Record = strings.ToLower(strings.TrimSuffix(c.Record, ".") + ".")
	if c.Zone != "" {
		c.Zone = strings.ToLower(strings.TrimSuffix(c.Zone, ".") + ".")
		if c.Record != c.Zone && !strings.HasSuffix(c.Record, "."+c.Zone) {
			bad("zone: %s does not hold record %s", c.Zone, c.Record)
		}
	}
	if c.Type != "A" && c.Type != "AAAA" {
		bad("type: %q is not A or AAAA", c.Type)
	}
	if c.TTL < 1 {
		bad("ttl: must be at least 1")
	}
	switch n := btoi(c.Self.Address != "") + btoi(c.Self.Interface != "") + btoi(c.Self.URL != ""); {
	case n != 1:
		bad("self: give exactly one of address, interface and url")
	case c.Self.Address != "":
		if a, err := netip.ParseAddr(c.Self.Address); err != nil || (c.Type == "A") != a.Is4() {
			bad("self.address: %q is not an address of type %s", c.Self.Address, c.Type)
		}
	}
	switch c.Provider.Type {
	case "rfc2136":
		if c.Provider.Server == "" {
			bad("provider.server: the primary that takes updates (host:port) is required")
		}
	case "route53":
	case "signpost":
		if !strings.HasPrefix(c.Provider.URL, "http://") && !strings.HasPrefix(c.Provider.URL, "https://") {
			bad("provider.url: %q is not the http(s) URL of a signpost server", c.Provider.URL)
		}
		if c.Provider.Token == "" {
			bad("provider.token: an API token is required (signpost token create)")
		}
	default:
		bad("provider.type: %q: the agent works with rfc2136, route53 and signpost", c.Provider.Type)
	}
	if len(c.Check.Command) == 0 {
		switch c.Check.Protocol {
		case "HTTP", "HTTPS", "TCP", "ICMP":
		default:
			bad("check: protocol %q is not HTTP, HTTPS, TCP or ICMP, and no command is given", c.Check.Protocol)
		}
	}
	if c.Interval < config.Duration(100*time.Millisecond) {
		bad("interval: %s is below 100ms", time.Duration(c.Interval))
	}
	if c.Timeout <= 0 || c.Timeout >= c.Interval {
		bad("timeout: %s must be above 0 and below the interval %s", time.Duration(c.Timeout), time.Duration(c.Interval))
	}
	if c.Failures < 1 {
		bad("failures: must be at least 1")
	}
	if c.Quorum != "majority" && c.Quorum != "none" {
		bad("quorum: %q is not majority or none", c.Quorum)
	}
	return errs
}

// healthcheck is the probe spec of an address.
func (c *Config) healthcheck() model.Healthcheck {
	return model.Healthcheck{Protocol: c.Check.Protocol, Port: c.Check.Port, Path: c.Check.Path, Host: c.Check.Host,
		Timeout: time.Duration(c.Timeout)}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
