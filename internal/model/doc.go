// Package model is signpost's single vocabulary: zones, records, dynamic
// pools and rules, and health-check specs, together with every validation
// rule that decides whether desired state is acceptable.
//
// Input of any origin (zone files, the API) is first turned into a Data tree
// and then parsed here by ParseRecord, so that every entry point reports the
// same problems with the same words. The dynamic-record rules reproduce
// octoDNS's DynamicValidator messages exactly.
//
// model does no I/O and never logs.
package model
