/*
 * Allocation wrappers: out of memory is fatal, but the terminal is restored
 * first through the registered hook.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xmalloc.h"

static void (*xmalloc_fatal_hook)(void);

void
xmalloc_set_fatal_hook(void (*hook)(void))
{
	xmalloc_fatal_hook = hook;
}

static void __attribute__((noreturn))
xmalloc_die(size_t size)
{
	char	msg[96];
	int	n;

	if (xmalloc_fatal_hook != NULL)
		xmalloc_fatal_hook();
	n = snprintf(msg, sizeof msg, "hitl: out of memory (%zu bytes)\n",
	    size);
	if (n > 0)
		(void)!write(STDERR_FILENO, msg, (size_t)n);
	abort();
}

void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		xmalloc_die(size);
	return (p);
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		xmalloc_die(n * size);
	return (p);
}

void *
xrealloc(void *p, size_t size)
{
	if (size == 0)
		size = 1;
	if ((p = realloc(p, size)) == NULL)
		xmalloc_die(size);
	return (p);
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		xmalloc_die(SIZE_MAX);
	return (xrealloc(p, n * size));
}

char *
xstrdup(const char *s)
{
	return (xstrndup(s, strlen(s)));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;
	size_t	 len;

	len = strnlen(s, n);
	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return (p);
}

int
xvasprintf(char **ret, const char *fmt, va_list ap)
{
	int	n;

	if ((n = vasprintf(ret, fmt, ap)) == -1)
		xmalloc_die(strlen(fmt));
	return (n);
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = xvasprintf(ret, fmt, ap);
	va_end(ap);
	return (n);
}
