#!/bin/sh
. "$SRCDIR/tests/cli/lib.sh"
pass
