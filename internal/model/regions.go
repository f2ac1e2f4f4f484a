package model

import (
	"math"
	"slices"
)

// Point is a place on Earth, in degrees.
type Point struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// Region is a place policy members are in, with a coordinate for latency
// routing: an AWS region, or one of the user's own.
type Region struct {
	Code      string  `json:"code"`
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// Point returns the region's coordinates.
func (r Region) Point() Point { return Point{r.Latitude, r.Longitude} }

// AWSRegions returns every region Route53 latency routing knows, with the
// coordinates of the city each is in or nearest to (approximate: they
// rank regions by distance, nothing finer), sorted by code.
func AWSRegions() []Region {
	out := []Region{
		{"af-south-1", -33.92, 18.42},      // Cape Town
		{"ap-east-1", 22.32, 114.17},       // Hong Kong
		{"ap-east-2", 25.03, 121.57},       // Taipei
		{"ap-northeast-1", 35.68, 139.69},  // Tokyo
		{"ap-northeast-2", 37.57, 126.98},  // Seoul
		{"ap-northeast-3", 34.69, 135.50},  // Osaka
		{"ap-south-1", 19.08, 72.88},       // Mumbai
		{"ap-south-2", 17.39, 78.49},       // Hyderabad
		{"ap-southeast-1", 1.35, 103.82},   // Singapore
		{"ap-southeast-2", -33.87, 151.21}, // Sydney
		{"ap-southeast-3", -6.21, 106.85},  // Jakarta
		{"ap-southeast-4", -37.81, 144.96}, // Melbourne
		{"ap-southeast-5", 3.14, 101.69},   // Kuala Lumpur
		{"ap-southeast-6", -36.85, 174.76}, // Auckland
		{"ap-southeast-7", 13.76, 100.50},  // Bangkok
		{"ca-central-1", 45.50, -73.57},    // Montreal
		{"ca-west-1", 51.05, -114.07},      // Calgary
		{"cn-north-1", 39.90, 116.40},      // Beijing
		{"cn-northwest-1", 37.50, 105.19},  // Ningxia
		{"eu-central-1", 50.11, 8.68},      // Frankfurt
		{"eu-central-2", 47.38, 8.54},      // Zurich
		{"eu-north-1", 59.33, 18.07},       // Stockholm
		{"eu-south-1", 45.46, 9.19},        // Milan
		{"eu-south-2", 41.65, -0.88},       // Aragon
		{"eu-west-1", 53.35, -6.26},        // Dublin
		{"eu-west-2", 51.51, -0.13},        // London
		{"eu-west-3", 48.86, 2.35},         // Paris
		{"eusc-de-east-1", 52.39, 13.07},   // Brandenburg
		{"il-central-1", 32.09, 34.78},     // Tel Aviv
		{"me-central-1", 25.20, 55.27},     // UAE
		{"me-south-1", 26.07, 50.56},       // Bahrain
		{"mx-central-1", 20.59, -100.39},   // Querétaro
		{"sa-east-1", -23.55, -46.63},      // São Paulo
		{"us-east-1", 39.04, -77.49},       // Northern Virginia
		{"us-east-2", 39.96, -83.00},       // Ohio
		{"us-gov-east-1", 39.96, -83.00},   // Ohio
		{"us-gov-west-1", 45.84, -119.70},  // Oregon
		{"us-west-1", 37.34, -121.89},      // Northern California
		{"us-west-2", 45.84, -119.70},      // Oregon
	}
	return out
}

// Regions are the regions members may name, by code.
type Regions map[string]Region

// NewRegions returns the AWS regions plus the user's own; a user region
// with an AWS code replaces it.
func NewRegions(user ...Region) Regions {
	out := Regions{}
	for _, r := range append(AWSRegions(), user...) {
		out[r.Code] = r
	}
	return out
}

// Codes returns the region codes, sorted.
func (rs Regions) Codes() []string {
	out := make([]string, 0, len(rs))
	for c := range rs {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// earthRadiusKm is the mean radius of the Earth.
const earthRadiusKm = 6371.0

// DistanceKm is the great-circle (haversine) distance between two points.
func DistanceKm(a, b Point) float64 {
	lat1, lon1, lat2, lon2 := a.Latitude, a.Longitude, b.Latitude, b.Longitude
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h)))
}
