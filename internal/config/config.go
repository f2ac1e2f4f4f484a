// Package config reads signpost.yaml: strict decoding (an unknown key is an
// error), defaults for every key, and paths resolved relative to the file.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is the whole of signpost.yaml.
type Config struct {
	DNS   DNS   `yaml:"dns"`
	HTTP  HTTP  `yaml:"http"`
	GeoIP GeoIP `yaml:"geoip"`
	Zones Zones `yaml:"zones"`
	Log   Log   `yaml:"log"`

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
}

// HTTP configures the operations listener (/healthz, /metrics).
type HTTP struct {
	Listen string `yaml:"listen"` // "" disables it
}

// GeoIP configures client location.
type GeoIP struct {
	// Database is a MaxMind DB file. Empty means the embedded country data;
	// "none" disables GeoIP.
	Database string `yaml:"database"`
}

// Zones configures where zones come from and their SOA values.
type Zones struct {
	Directory string          `yaml:"directory"`
	SOA       SOA             `yaml:"soa"`
	Overrides map[string]Zone `yaml:"overrides"`
}

// Zone holds per-zone settings.
type Zone struct {
	SOA SOA `yaml:"soa"`
}

// SOA holds synthesized SOA values; zero fields take the defaults.
type SOA struct {
	Primary     string   `yaml:"primary"`
	Email       string   `yaml:"email"`
	TTL         Duration `yaml:"ttl"`
	Refresh     Duration `yaml:"refresh"`
	Retry       Duration `yaml:"retry"`
	Expire      Duration `yaml:"expire"`
	NegativeTTL Duration `yaml:"negative_ttl"`
}

// Log configures logging.
type Log struct {
	Format string `yaml:"format"` // text or json
	Level  string `yaml:"level"`  // debug, info, warn, error
}

// Duration is a time span written as "90s", "1h" or a number of seconds.
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if secs, err := strconv.ParseUint(n.Value, 10, 32); err == nil {
		*d = Duration(time.Duration(secs) * time.Second)
		return nil
	}
	v, err := time.ParseDuration(n.Value)
	if err != nil || v < 0 {
		return fmt.Errorf("line %d: invalid duration %q (use 300, 5m or 1h)", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// Seconds returns d in whole seconds.
func (d Duration) Seconds() uint32 { return uint32(time.Duration(d) / time.Second) }

// Default returns the configuration used for keys a file leaves out.
func Default() Config {
	return Config{
		DNS:   DNS{Listen: []string{"127.0.0.1:1053"}, MaxUDPSize: 1232},
		HTTP:  HTTP{Listen: "127.0.0.1:8053"},
		Zones: Zones{Directory: "zones"},
		Log:   Log{Format: "text", Level: "info"},
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
	switch c.Log.Format {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("log.format: %q is not text or json", c.Log.Format))
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log.level: %q is not debug, info, warn or error", c.Log.Level))
	}
	for name := range c.Zones.Overrides {
		if !strings.HasSuffix(name, ".") {
			errs = append(errs, fmt.Errorf("zones.overrides: zone %q must end with a dot", name))
		}
	}
	return errors.Join(errs...)
}

func (c *Config) resolve(dir string) {
	rel := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	c.Zones.Directory = rel(c.Zones.Directory)
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
