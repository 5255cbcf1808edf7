/* gone.c -- a library the test module needs.la depends on, never
   installed where the loader looks (-rpath /nowhere): loading needs.la
   fails on a missing dependency (tests/check.sh). */
int bp_test_gone (void);

int
bp_test_gone (void)
{
  return 1;
}
