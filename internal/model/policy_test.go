package model_test

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/signpost-dns/signpost/internal/model"
)

func TestValidatePolicy(t *testing.T) {
	ips := map[netip.Addr]*model.IP{
		netip.MustParseAddr("192.0.2.1"):   {Address: netip.MustParseAddr("192.0.2.1"), Enabled: true},
		netip.MustParseAddr("2001:db8::1"): {Address: netip.MustParseAddr("2001:db8::1"), Enabled: true},
	}
	regions := model.NewRegions(model.Region{Code: "fra-dc1", Latitude: 50.1, Longitude: 8.7})
	member := func(ip, region string, weight int) model.Member {
		return model.Member{IP: netip.MustParseAddr(ip), Region: region, Weight: weight, Enabled: true}
	}
	good := func() model.Policy {
		return model.Policy{Name: "web", Routing: model.RoutingLatency, TTL: 30,
			Members: []model.Member{member("192.0.2.1", "us-east-1", 10), member("2001:db8::1", "fra-dc1", 0)}}
	}
	tests := []struct {
		name   string
		edit   func(p *model.Policy)
		others []string
		want   model.FieldErrors
	}{
		{"valid", func(*model.Policy) {}, []string{"api", "wiki", "we-b"}, model.FieldErrors{}},
		{"upper case and ;", func(p *model.Policy) { p.Name = "Web;" }, nil,
			model.FieldErrors{"name": {"Enter a valid name: lowercase letters, digits and hyphens only."}}},
		{"prefix of another (zinc's dev01 and dev011)", func(p *model.Policy) { p.Name = "dev01" }, []string{"dev011"},
			model.FieldErrors{"name": {`Name "dev01" clashes with policy "dev011": one is a prefix of the other.`}}},
		{"another is its prefix", func(p *model.Policy) { p.Name = "dev011" }, []string{"dev01"},
			model.FieldErrors{"name": {`Name "dev011" clashes with policy "dev01": one is a prefix of the other.`}}},
		{"everything at once", func(p *model.Policy) {
			p.Routing, p.TTL = "random", 0
			p.Members = append(p.Members, member("192.0.2.9", "mars-1", 256), member("192.0.2.1", "eu-west-1", -1))
		}, nil, model.FieldErrors{
			"routing":           {`"random" is not a valid choice.`},
			"ttl":               {"Ensure this value is greater than or equal to 1."},
			"members[2].ip":     {`Invalid IP "192.0.2.9" - object does not exist.`},
			"members[2].region": {`"mars-1" is not a valid choice.`},
			"members[2].weight": {"Ensure this value is less than or equal to 255."},
			"members[3].weight": {"Ensure this value is greater than or equal to 0."},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := good()
			tc.edit(&p)
			if got := model.ValidatePolicy(&p, tc.others, ips, regions); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestEligibleAndPointable(t *testing.T) {
	v4, v6 := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("2001:db8::1")
	ips := map[netip.Addr]*model.IP{v4: {Address: v4, Enabled: true}, v6: {Address: v6, Enabled: false}}
	p := &model.Policy{Name: "web", Members: []model.Member{{IP: v4, Enabled: true}, {IP: v6, Enabled: true}}}
	if got := p.Eligible(ips, 4); len(got) != 1 || got[0].IP != v4 {
		t.Errorf("v4 eligible %v", got)
	}
	if why := model.CheckPointable(p, ips, "AAAA"); why != `Policy "web" has no enabled IPv6 member.` {
		t.Errorf("AAAA pointable: %q", why)
	}
	if why := model.CheckPointable(p, ips, "A"); why != "" {
		t.Errorf("A pointable: %q", why)
	}
	p.Members[0].Enabled = false
	if why := model.CheckPointable(p, ips, "A"); why == "" {
		t.Error("a policy whose only v4 member is disabled is pointable")
	}
}

func TestValidateIP(t *testing.T) {
	bad := &model.IP{Hostname: "Not_A Host", Healthcheck: &model.Healthcheck{Protocol: "UDP"}}
	want := model.FieldErrors{"ip": {"Enter a valid IPv4 or IPv6 address."}, "hostname": {`Invalid hostname "Not_A Host".`},
		"healthcheck": {`Unknown protocol "UDP": HTTP, HTTPS, TCP or ICMP.`}}
	if got := model.ValidateIP(bad); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v", got)
	}
	if got := model.ValidateIP(&model.IP{Address: netip.MustParseAddr("2001:db8::2"), Hostname: "node1.example.net"}); len(got) != 0 {
		t.Errorf("a good IP: %v", got)
	}
}

func TestRegions(t *testing.T) {
	rs := model.NewRegions()
	if len(rs) != 39 {
		t.Errorf("%d AWS regions, want the 39 Route53 latency routing knows", len(rs))
	}
	// Frankfurt to Dublin is about 1,090 km.
	f, d := rs["eu-central-1"], rs["eu-west-1"]
	if km := model.DistanceKm(f.Point(), d.Point()); km < 1050 || km > 1130 {
		t.Errorf("Frankfurt-Dublin %.0f km", km)
	}
}
