package model

import "strconv"

// TextRecord validates and builds a record whose values are written in
// presentation format, as APIs take them ("10 mx1.example.com." for MX,
// `v=spf1 -all` for TXT), by the same rules as a zone file's record: it
// builds the octoDNS document the values stand for and parses it.
func TextRecord(zone, name string, typ RRType, ttl uint32, values []string) (*Record, Problems) {
	d := &Data{Kind: KindMap}
	add := func(k string, v *Data) {
		d.Keys = append(d.Keys, k)
		d.Values = append(d.Values, v)
	}
	add("type", &Data{Kind: KindString, Text: string(typ)})
	add("ttl", &Data{Kind: KindInt, Text: strconv.FormatUint(uint64(ttl), 10)})
	list := &Data{Kind: KindList}
	for _, v := range values {
		list.Items = append(list.Items, textValue(typ, v))
	}
	add("values", list)
	return ParseRecord(zone, name, d)
}

// textValue turns one presentation-format value into the octoDNS shape of
// typ: a string, or a map of the structured type's fields in order.
func textValue(typ RRType, text string) *Data {
	fields, ok := structured[typ]
	if !ok {
		return &Data{Kind: KindString, Text: text}
	}
	m := &Data{Kind: KindMap}
	for i, tok := range tokens(text) {
		if i >= len(fields) {
			m.Keys = append(m.Keys, "extra field "+strconv.Itoa(i+1))
			m.Values = append(m.Values, &Data{Kind: KindString, Text: tok})
			continue
		}
		kind := KindString
		if f := fields[i].kind; f == fU8 || f == fU16 || f == fU8Default0 {
			kind = KindInt
		}
		m.Keys = append(m.Keys, fields[i].name)
		m.Values = append(m.Values, &Data{Kind: kind, Text: tok})
	}
	return m
}
