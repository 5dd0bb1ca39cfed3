/*
 * libFuzzer target: the policy loader either refuses a file with a message
 * or loads a policy that serializes back to one it loads the same way.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "policy.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy	*p = NULL, *again = NULL;
	cJSON		*j, *j2;
	char		*cause = NULL, *text, *text2;

	if (policy_parse((const char *)data, size, &p, &cause) != 0) {
		if (cause == NULL || *cause == '\0')
			abort();
		free(cause);
		return (0);
	}
	j = policy_to_json(p);
	text = json_print(j);
	if (policy_parse(text, strlen(text), &again, &cause) != 0)
		abort();
	j2 = policy_to_json(again);
	text2 = json_print(j2);
	if (strcmp(text, text2) != 0)
		abort();
	free(text);
	free(text2);
	cJSON_Delete(j);
	cJSON_Delete(j2);
	policy_free(p);
	policy_free(again);
	return (0);
}
