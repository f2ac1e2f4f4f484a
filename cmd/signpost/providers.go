package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsr53 "github.com/aws/aws-sdk-go-v2/service/route53"

	"github.com/signpost-dns/signpost/internal/config"
	"github.com/signpost-dns/signpost/internal/provider"
	"github.com/signpost-dns/signpost/internal/provider/route53"
)

// constructors builds providers by type; new backends add a line here.
var constructors = map[string]func(ctx context.Context, name string, c config.Provider, refs route53.RefStore) (provider.Provider, error){
	"route53": newRoute53,
}

// providersFor builds the providers configured in cfg.
func providersFor(ctx context.Context, cfg *config.Config) (map[string]provider.Provider, error) {
	refs := &fileRefs{path: filepath.Join(cfg.StateDir, "route53-zone-references.json")}
	out := map[string]provider.Provider{}
	for name, pc := range cfg.Providers {
		build, ok := constructors[pc.Type]
		if !ok {
			return nil, fmt.Errorf("provider %s: unknown type %q", name, pc.Type)
		}
		p, err := build(ctx, name, pc, refs)
		if err != nil {
			return nil, fmt.Errorf("provider %s: %w", name, err)
		}
		out[name] = p
	}
	return out, nil
}

func newRoute53(ctx context.Context, name string, c config.Provider, refs route53.RefStore) (provider.Provider, error) {
	region := c.Region
	if region == "" {
		region = "us-east-1" // Route53 is global; the SDK still wants a region
	}
	opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(region), awsconfig.WithRetryMaxAttempts(1)}
	if c.AccessKeyID != "" || c.SecretAccessKey != "" {
		opts = append(opts, awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(
			config.Secret(c.AccessKeyID), config.Secret(c.SecretAccessKey), "")))
	}
	if c.Profile != "" {
		opts = append(opts, awsconfig.WithSharedConfigProfile(c.Profile))
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	client := awsr53.NewFromConfig(awsCfg, func(o *awsr53.Options) {
		if c.Endpoint != "" {
			o.BaseEndpoint = aws.String(c.Endpoint)
		}
	})
	return route53.New(route53.Options{Name: name, API: client, MaxChanges: c.MaxChanges, Keep: c.Keep, Refs: refs}), nil
}

// fileRefs keeps zone-creation references in a JSON file, written before
// the create call so that a retry reuses them.
type fileRefs struct {
	path string
	mu   sync.Mutex // serializes reads and writes of the file
}

func (f *fileRefs) load() map[string]string {
	m := map[string]string{}
	if b, err := os.ReadFile(f.path); err == nil {
		_ = json.Unmarshal(b, &m)
	}
	return m
}

// Get implements route53.RefStore.
func (f *fileRefs) Get(zone string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.load()[zone]
	return r, ok
}

// Put implements route53.RefStore.
func (f *fileRefs) Put(zone, ref string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.load()
	m[zone] = ref
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
		return err
	}
	tmp := f.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, f.path)
}
