package model

import (
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// fieldKind is how one field of a structured value is checked and printed.
type fieldKind uint8

const (
	fU8 fieldKind = iota
	fU16
	fFQDN   // a host name with trailing dot, or "."
	fHex    // hex digits
	fQuoted // free text, printed quoted
	fWord   // a token without spaces
	fU8Default0
)

type field struct {
	name  string
	alias string // legacy octoDNS key accepted in place of name
	kind  fieldKind
}

// structured lists the fields of each type whose values are maps, in
// presentation order.
var structured = map[RRType][]field{
	"MX":    {{"preference", "priority", fU16}, {"exchange", "value", fFQDN}},
	"SRV":   {{"priority", "", fU16}, {"weight", "", fU16}, {"port", "", fU16}, {"target", "", fFQDN}},
	"CAA":   {{"flags", "", fU8Default0}, {"tag", "", fWord}, {"value", "", fQuoted}},
	"NAPTR": {{"order", "", fU16}, {"preference", "", fU16}, {"flags", "", fQuoted}, {"service", "", fQuoted}, {"regexp", "", fQuoted}, {"replacement", "", fFQDN}},
	"SSHFP": {{"algorithm", "", fU8}, {"fingerprint_type", "", fU8}, {"fingerprint", "", fHex}},
	"TLSA":  {{"certificate_usage", "", fU8}, {"selector", "", fU8}, {"matching_type", "", fU8}, {"certificate_association_data", "", fHex}},
	"DS":    {{"key_tag", "", fU16}, {"algorithm", "", fU8}, {"digest_type", "", fU8}, {"digest", "", fHex}},
}

// ValidateValue checks one value of type typ and returns it in presentation
// format, or the reasons it is invalid.
func ValidateValue(typ RRType, d *Data) (string, []string) {
	if fields, ok := structured[typ]; ok {
		return structuredValue(typ, fields, d)
	}
	if d == nil || d.Kind == KindNull {
		return "", []string{"missing value(s)"}
	}
	if !d.IsScalar() {
		return "", []string{fmt.Sprintf("invalid %s value %s", typ, d)}
	}
	v := d.Text
	switch typ {
	case "A", "AAAA":
		return ipValue(typ, v)
	case "CNAME", "NS", "PTR":
		if v == "" {
			return "", []string{"missing value"}
		}
		v, err := IDNA(v)
		if err != nil {
			return "", []string{err.Error()}
		}
		if r := checkFQDN(typ, "value", v); r != "" {
			return "", []string{r}
		}
		return v, nil
	case "TXT", "SPF":
		return txtValue(v)
	}
	return "", []string{fmt.Sprintf("unsupported type %s", typ)}
}

func ipValue(typ RRType, v string) (string, []string) {
	if v == "" {
		return "", []string{"empty value"}
	}
	name := "IPv4"
	if typ == "AAAA" {
		name = "IPv6"
	}
	addr, err := netip.ParseAddr(v)
	if err != nil || (typ == "A") != addr.Is4() || addr.Zone() != "" {
		return "", []string{fmt.Sprintf(`invalid %s address "%s"`, name, v)}
	}
	if addr.Is4() {
		return v, nil // ParseAddr takes IPv4 only in its canonical form
	}
	return addr.String(), nil
}

// txtValue accepts octoDNS's TXT form: semicolons escaped as `\;`. A value
// longer than 255 bytes is split into 255-byte strings.
func txtValue(v string) (string, []string) {
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' {
			i++
			continue
		}
		if v[i] == ';' {
			return "", []string{fmt.Sprintf("unescaped ; in %q", v)}
		}
	}
	plain := strings.ReplaceAll(v, `\;`, ";")
	if strings.HasPrefix(plain, `"`) && strings.HasSuffix(plain, `"`) && len(plain) > 1 {
		return plain, nil // already chunked as quoted strings
	}
	var b strings.Builder
	for len(plain) > 0 || b.Len() == 0 {
		n := min(255, len(plain))
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(quote(plain[:n]))
		plain = plain[n:]
	}
	return b.String(), nil
}

func quote(s string) string {
	if !strings.ContainsAny(s, `\"`) {
		return `"` + s + `"`
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' || s[i] == '"' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

func structuredValue(typ RRType, fields []field, d *Data) (string, []string) {
	if d == nil || d.Kind != KindMap {
		return "", []string{fmt.Sprintf("%s value must be a map with %s", typ, fieldNames(fields))}
	}
	var out []string
	var why []string
	for _, f := range fields {
		v, ok := d.Get(f.name)
		if !ok && f.alias != "" {
			v, ok = d.Get(f.alias)
		}
		if !ok {
			if f.kind == fU8Default0 {
				out = append(out, "0")
				continue
			}
			why = append(why, "missing "+f.name)
			continue
		}
		s, r := fieldValue(typ, f, v)
		if r != "" {
			why = append(why, r)
			continue
		}
		out = append(out, s)
	}
	for _, k := range d.Keys {
		if !knownField(fields, k) {
			why = append(why, fmt.Sprintf("unknown %s field %q", typ, k))
		}
	}
	return strings.Join(out, " "), why
}

func knownField(fields []field, k string) bool {
	for _, f := range fields {
		if f.name == k || (f.alias != "" && f.alias == k) {
			return true
		}
	}
	return false
}

func fieldNames(fields []field) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

func fieldValue(typ RRType, f field, v *Data) (string, string) {
	switch f.kind {
	case fU8, fU8Default0, fU16:
		limit := int64(255)
		if f.kind == fU16 {
			limit = 65535
		}
		n, ok := v.Int()
		if !ok || n < 0 || n > limit || v.Kind == KindBool {
			return "", fmt.Sprintf("invalid %s %q", f.name, v.String())
		}
		return strconv.FormatInt(n, 10), ""
	case fFQDN:
		s := v.Text
		if typ == "SRV" && s == "." {
			return s, ""
		}
		if s == "" || !v.IsScalar() {
			return "", "missing " + f.name
		}
		s, err := IDNA(s)
		if err != nil {
			return "", err.Error()
		}
		return s, checkFQDN(typ, f.name, s)
	case fHex:
		s := v.Text
		if _, err := hex.DecodeString(s); err != nil || s == "" {
			return "", fmt.Sprintf("invalid %s %q: not hex", f.name, s)
		}
		return s, ""
	case fWord:
		s := v.Text
		if s == "" || strings.ContainsAny(s, " \t\"") {
			return "", fmt.Sprintf("invalid %s %q", f.name, s)
		}
		return s, ""
	}
	return quote(v.Text), ""
}

// checkFQDN returns a reason when s is not a valid absolute host name.
func checkFQDN(typ RRType, what, s string) string {
	if !strings.HasSuffix(s, ".") {
		return fmt.Sprintf("%s %s %q missing trailing .", typ, what, s)
	}
	if len(s) > 254 {
		return fmt.Sprintf("%s %s %q is not a valid FQDN", typ, what, s)
	}
	for label := range strings.SplitSeq(strings.TrimSuffix(s, "."), ".") {
		if label == "" || len(label) > 63 || !hostLabel(label) {
			return fmt.Sprintf("%s %s %q is not a valid FQDN", typ, what, s)
		}
	}
	return ""
}

func hostLabel(l string) bool {
	if l == "*" {
		return true
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		ok := c == '-' || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if !ok {
			return false
		}
	}
	return true
}

// ValueData turns a value in presentation format back into octoDNS's
// shape for typ: a string, or a map for the structured types.
func ValueData(typ RRType, rdata string) any {
	switch typ {
	case "TXT", "SPF":
		var b strings.Builder
		for _, chunk := range tokens(rdata) {
			b.WriteString(chunk)
		}
		return strings.ReplaceAll(b.String(), ";", `\;`)
	}
	fields, ok := structured[typ]
	if !ok {
		return rdata
	}
	toks := tokens(rdata)
	out := map[string]any{}
	for i, f := range fields {
		if i >= len(toks) {
			break
		}
		switch f.kind {
		case fU8, fU16, fU8Default0:
			n, err := strconv.Atoi(toks[i])
			if err != nil {
				out[f.name] = toks[i]
				continue
			}
			out[f.name] = n
		default:
			out[f.name] = toks[i]
		}
	}
	return out
}

// tokens splits presentation rdata into its fields, unescaped. Only
// quoted strings hold escapes: validated unquoted fields have none.
func tokens(s string) []string {
	out := Fields(s)
	for i, f := range out {
		if strings.IndexByte(f, '\\') >= 0 {
			var b strings.Builder
			for j := 0; j < len(f); j++ {
				if f[j] == '\\' && j+1 < len(f) {
					j++
				}
				b.WriteByte(f[j])
			}
			out[i] = b.String()
		}
	}
	return out
}

// Fields splits a value in the presentation format ValidateValue returns
// into its fields: quoted strings lose their quotes but keep their escapes
// (`\"`, `\\`), as DNS libraries hold character-strings.
func Fields(rdata string) []string {
	var out []string
	for i := 0; i < len(rdata); {
		switch {
		case rdata[i] == ' ':
			i++
		case rdata[i] == '"':
			j := i + 1
			for ; j < len(rdata) && rdata[j] != '"'; j++ {
				if rdata[j] == '\\' {
					j++
				}
			}
			out = append(out, rdata[i+1:min(j, len(rdata))])
			i = j + 1
		default:
			j := strings.IndexByte(rdata[i:], ' ')
			if j < 0 {
				j = len(rdata) - i
			}
			out = append(out, rdata[i:i+j])
			i += j
		}
	}
	return out
}
