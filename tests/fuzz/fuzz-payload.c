/*
 * libFuzzer target: the JSON payload of hitl decide, checked against a
 * model output and an anonymization case as queue_decide checks it. The
 * first byte picks the action and the item; the rest is the payload.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "policy.h"
#include "internal.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char fuzz_text[] = "Call Jordan at 555-0100 in May, na\xc3\xafve \xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb.";

static struct queue_flag fuzz_flags[] = {
	{ .type = (char *)"bias.gender", .score = 0.7 },
	{ .type = (char *)"pii.phone", .score = 0.9, .has_offsets = 1,
	  .start = 15, .end = 23 },
};

static struct queue_span fuzz_spans[] = {
	{ .entity_type = (char *)"PERSON", .start = 5, .end = 11,
	  .score = 0.6, .triage = (char *)"ambiguous" },
	{ .entity_type = (char *)"PHONE_NUMBER", .start = 15, .end = 23,
	  .score = 0.95, .triage = (char *)"accepted" },
	{ .entity_type = (char *)"DATE_TIME", .start = 27, .end = 30,
	  .score = 0.4, .triage = (char *)"ambiguous" },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct policy	*pol;
	struct queue_item	 it;
	cJSON			*p = NULL;
	char			*cause = NULL;

	if (pol == NULL)
		pol = policy_default();
	if (size == 0)
		return (0);
	memset(&it, 0, sizeof it);
	it.ext_id = (char *)"fuzz-1";
	it.text = fuzz_text;
	if (data[0] & 0x80) {
		it.kind = QUEUE_KIND_ANONYMIZATION;
		it.spans = fuzz_spans;
		it.nspans = sizeof fuzz_spans / sizeof fuzz_spans[0];
	} else {
		it.kind = QUEUE_KIND_MODEL_OUTPUT;
		it.flags = fuzz_flags;
		it.nflags = sizeof fuzz_flags / sizeof fuzz_flags[0];
	}
	if (json_parse_strict((const char *)data + 1, size - 1, &p,
	    &cause) != 0) {
		if (cause == NULL || *cause == '\0')
			abort();
		free(cause);
		return (0);
	}
	if (decide_check_payload(pol, &it, (enum queue_action)(data[0] % 5),
	    p, &cause) != 0) {
		if (cause == NULL || *cause == '\0')
			abort();
		free(cause);
	}
	cJSON_Delete(p);
	return (0);
}
