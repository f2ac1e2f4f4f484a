package model

// RRType is a record type by its upper-case mnemonic, as zone files write
// it ("A", "MX"). Its DNS code and what signpost does with it are
// properties of the type, defined here once.
type RRType string

// typeInfo is what signpost knows of a type it serves.
type typeInfo struct {
	code    uint16 // the IANA number
	dynamic bool   // may carry a dynamic block
	single  bool   // carries exactly one value
}

// info returns what signpost knows of t; ok is false for a type it does
// not serve.
func (t RRType) info() (typeInfo, bool) {
	switch t {
	case "A":
		return typeInfo{code: 1, dynamic: true}, true
	case "NS":
		return typeInfo{code: 2}, true
	case "CNAME":
		return typeInfo{code: 5, dynamic: true, single: true}, true
	case "PTR":
		return typeInfo{code: 12}, true
	case "MX":
		return typeInfo{code: 15}, true
	case "TXT":
		return typeInfo{code: 16}, true
	case "AAAA":
		return typeInfo{code: 28, dynamic: true}, true
	case "SRV":
		return typeInfo{code: 33}, true
	case "NAPTR":
		return typeInfo{code: 35}, true
	case "DS":
		return typeInfo{code: 43}, true
	case "SSHFP":
		return typeInfo{code: 44}, true
	case "TLSA":
		return typeInfo{code: 52}, true
	case "SPF":
		return typeInfo{code: 99}, true
	case "CAA":
		return typeInfo{code: 257}, true
	}
	return typeInfo{}, false
}

// Supported reports whether signpost serves records of type t.
func (t RRType) Supported() bool { _, ok := t.info(); return ok }

// Code returns t's DNS type number, or 0 for a type signpost does not serve.
func (t RRType) Code() uint16 { i, _ := t.info(); return i.code }

// Dynamic reports whether records of type t may carry a dynamic block.
func (t RRType) Dynamic() bool { i, _ := t.info(); return i.dynamic }

// single reports whether records of type t carry exactly one value.
func (t RRType) single() bool { i, _ := t.info(); return i.single }

// SupportedTypes returns the record types signpost serves, sorted.
func SupportedTypes() []RRType {
	return []RRType{"A", "AAAA", "CAA", "CNAME", "DS", "MX", "NAPTR", "NS", "PTR", "SPF", "SRV", "SSHFP", "TLSA", "TXT"}
}

// octodnsOnly reports whether t is a type octoDNS knows and signpost skips
// with a warning.
func (t RRType) octodnsOnly() bool {
	switch t {
	case "ALIAS", "DNAME", "LOC", "URLFWD", "SVCB", "HTTPS", "OPENPGPKEY":
		return true
	}
	return false
}
