# Stands in for the suite when configure found no cmocka: fail loudly.
echo "cmocka is missing: install libcmocka-dev (build-aux/install-deps) and re-run configure" >&2
exit 1
