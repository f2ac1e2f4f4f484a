package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsr53 "github.com/aws/aws-sdk-go-v2/service/route53"

	"github.com/signpost-dns/signpost/internal/server"
	"github.com/signpost-dns/signpost/internal/server/servertest"
)

// TestServePushesPolicies runs a node whose store zone targets the moto
// emulator: writes through the API are pushed by the reconcile loop in
// zinc's layout (the record shows dirty until then), the same policy is
// answered by the embedded DNS server, the zone shows the delegation
// Route53 assigned, and deleting the zone removes its hosted zone.
func TestServePushesPolicies(t *testing.T) {
	ep, r53 := servertest.Route53(t)
	t.Setenv("TEST_AWS_KEY", "test")
	bk := newFlipper(t, "127.0.0.33:0")
	cfg, rw := storeWorkspaceAt(t, "", fmt.Sprintf("providers:\n  r53:\n    type: route53\n    access_key_id: env/TEST_AWS_KEY\n"+
		"    secret_access_key: env/TEST_AWS_KEY\n    endpoint: %s\nreconcile: {interval: 100ms, drift_interval: 1h}\n"+
		"healthcheck: {interval: 200ms, timeout: 100ms, failures: 1, successes: 1}\n"+
		"policies:\n  healthcheck: {protocol: HTTP, port: %s, path: /health, host: node.example.net}\n", ep, portOf(bk.addr)))
	n := start(t, cfg, server.Options{})
	admin := api{t, "http://" + n.http, rw}
	root := fmt.Sprintf("z%d.serve-zinc.net.", time.Now().UnixNano())

	var fe map[string][]string
	if got := admin.do("POST", "/api/v1/zones", map[string]any{"root": root, "targets": []string{"nope"}}, &fe); got != 400 || len(fe["targets"]) != 1 {
		t.Errorf("a zone with an unknown target: HTTP %d %v", got, fe)
	}
	admin.must(201, "POST", "/api/v1/ips", map[string]any{"address": "127.0.0.33"}, nil)
	var p struct{ ID string }
	admin.must(201, "POST", "/api/v1/policies", map[string]any{"name": "web", "routing": "weighted",
		"members": []map[string]any{{"ip": "127.0.0.33", "region": "eu-west-1", "weight": 10}}}, &p)
	var z struct{ ID string }
	admin.must(201, "POST", "/api/v1/zones", map[string]any{"root": root, "targets": []string{"r53"}}, &z)
	var rec struct {
		ID    string
		Dirty bool
	}
	admin.must(201, "POST", "/api/v1/zones/"+z.ID+"/records", map[string]any{"name": "www", "type": "POLICY_ROUTED", "values": []string{p.ID}}, &rec)
	if !rec.Dirty {
		t.Error("a new policy record of a zone with targets is not dirty")
	}
	waitFor(t, "the record is pushed", func() bool {
		admin.must(200, "GET", "/api/v1/zones/"+z.ID+"/records/"+rec.ID, nil, &rec)
		return !rec.Dirty
	})
	if got := servertest.QueryA(n.dns, "www."+root); len(got) != 1 || got[0] != "127.0.0.33" {
		t.Errorf("the embedded server answers %v", got)
	}
	sets := hostedSets(t, r53, root)
	for _, want := range []string{"_zn_web." + root + " A", "www." + root + " A alias _zn_web." + root} {
		if !strings.Contains(sets, want) {
			t.Errorf("the hosted zone lacks %q:\n%s", want, sets)
		}
	}
	var zone struct {
		NameServers []string `json:"name_servers"`
		Dirty       bool
	}
	waitFor(t, "the delegation is shown", func() bool {
		admin.must(200, "GET", "/api/v1/zones/"+z.ID, nil, &zone)
		return len(zone.NameServers) > 0 && !zone.Dirty
	})
	admin.must(204, "DELETE", "/api/v1/zones/"+z.ID, nil, nil)
	waitFor(t, "the hosted zone is deleted", func() bool { return hostedZoneID(t, r53, root) == "" })
}

func hostedZoneID(t *testing.T, c *awsr53.Client, root string) string {
	out, err := c.ListHostedZonesByName(context.Background(), &awsr53.ListHostedZonesByNameInput{DNSName: aws.String(root)})
	if err != nil {
		t.Fatal(err)
	}
	for _, z := range out.HostedZones {
		if aws.ToString(z.Name) == root {
			return aws.ToString(z.Id)
		}
	}
	return ""
}

// hostedSets lists a hosted zone's record sets, one "name TYPE[ alias
// target]" line each.
func hostedSets(t *testing.T, c *awsr53.Client, root string) string {
	out, err := c.ListResourceRecordSets(context.Background(), &awsr53.ListResourceRecordSetsInput{HostedZoneId: aws.String(hostedZoneID(t, c, root))})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, s := range out.ResourceRecordSets {
		fmt.Fprintf(&b, "%s %s", aws.ToString(s.Name), s.Type)
		if s.AliasTarget != nil {
			fmt.Fprintf(&b, " alias %s", aws.ToString(s.AliasTarget.DNSName))
		}
		b.WriteString("\n")
	}
	return b.String()
}
