package route53

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
)

// Config is what signpost.yaml says of a Route53 provider.
type Config struct {
	AccessKeyID     string // empty: the AWS default credential chain
	SecretAccessKey string
	Profile         string
	Region          string // default us-east-1 (Route53 is global; the SDK wants one)
	Endpoint        string // an emulator, e.g. http://127.0.0.1:5055
	MaxChanges      int
	RPS             float64 // requests per second; default 4
	Keep            bool
	// RefsFile keeps the CallerReferences of zones being created.
	RefsFile string
	// IPChecks keeps store zones' IP health checks (nil without a store).
	IPChecks IPCheckStore
}

// Open loads the AWS configuration (credentials, profile, region) and
// returns a Provider that talks to Route53 or to c.Endpoint. It makes no
// API call.
func Open(ctx context.Context, name string, c Config) (*Provider, error) {
	region := c.Region
	if region == "" {
		region = "us-east-1"
	}
	opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(region), awsconfig.WithRetryMaxAttempts(1)}
	if c.AccessKeyID != "" || c.SecretAccessKey != "" {
		opts = append(opts, awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, "")))
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
	var refs RefStore
	if c.RefsFile != "" {
		refs = &FileRefs{Path: c.RefsFile}
	}
	return New(Options{Name: name, API: client, MaxChanges: c.MaxChanges, RPS: c.RPS, Keep: c.Keep, Refs: refs, IPChecks: c.IPChecks}), nil
}

// FileRefs keeps zone-creation references in a JSON file, written before
// the create call so that a retry reuses them.
type FileRefs struct {
	Path string
	mu   sync.Mutex // serializes reads and writes of the file
}

// load reads the file; a missing file is empty, a corrupt one an error
// (ignoring it could create a second hosted zone).
func (f *FileRefs) load() (map[string]string, error) {
	m := map[string]string{}
	b, err := os.ReadFile(f.Path)
	if os.IsNotExist(err) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading zone references: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("zone references %s are corrupt (fix or remove the file): %w", f.Path, err)
	}
	return m, nil
}

// Get implements RefStore.
func (f *FileRefs) Get(zone string) (string, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return "", false, err
	}
	r, ok := m[zone]
	return r, ok, nil
}

// Put implements RefStore.
func (f *FileRefs) Put(zone, ref string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return err
	}
	m[zone] = ref
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o755); err != nil {
		return err
	}
	tmp := f.Path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, f.Path)
}
