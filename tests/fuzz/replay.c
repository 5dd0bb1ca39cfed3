/*
 * A main for the fuzz targets without libFuzzer: runs the target once on
 * each file named, so that make check replays the seed corpus (and every
 * crash ever found, kept there) with any compiler and under valgrind.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerInitialize(int *, char ***) __attribute__((weak));
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The file in a buffer of its exact length, as libFuzzer gives inputs. */
static uint8_t *
replay_read(const char *path, size_t *len)
{
	FILE	*f;
	uint8_t	*buf = NULL;
	long	 n = 0;

	if ((f = fopen(path, "rb")) == NULL)
		return (NULL);
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return (buf);
}

int
main(int argc, char **argv)
{
	uint8_t	*buf;
	size_t	 len;
	int	 i;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if ((buf = replay_read(argv[i], &len)) == NULL) {
			perror(argv[i]);
			return (1);
		}
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
	}
	printf("replayed %d inputs\n", argc - 1);
	return (0);
}
