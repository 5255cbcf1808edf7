/* cli.h -- (internal) what the commands of the backprop program share. */
#ifndef BP_CLI_H
#define BP_CLI_H

/* "backprop", for messages. */
extern const char *program_name;

/* Print "Try 'backprop --help' ..." to stderr. */
void usage_hint (void);

#include <stdio.h>
#include "backprop/bp_train.h"

/* Parse a whole non-negative decimal number into *out; 0 on success,
   -1 when s is empty, starts with anything but a digit (a blank, a
   sign), has trailing characters or overflows. */
int parse_ulong (const char *s, unsigned long *out);

/* Parse a finite decimal number (an optional sign, then a digit or a
   point and a digit) into *out; 0 on success, -1 when s is empty, starts
   with a blank, is hex, "inf" or "nan", has trailing characters,
   overflows, or underflows to 0 (a subnormal such as 4.9e-324 is kept). */
int parse_double (const char *s, double *out);

/* The seeds of the random generator: GSL's mt19937 keeps 32 bits of the
   seed gsl_rng_set is given and takes 0 as 4357, so 1 .. 2^32 - 1 are the
   seeds that give different runs; others are refused, not folded. */
#define SEED_MIN BP_SGD_SEED_MIN
#define SEED_MAX BP_SGD_SEED_MAX

/* parse_ulong, and a seed between SEED_MIN and SEED_MAX; -1 otherwise. */
int parse_seed (const char *s, unsigned long *out);

/* fclose stream; -1 when it or an earlier write failed (gnulib's). */
int close_stream (FILE *stream);

/* At exit (atexit): close stdout, and on a write error, earlier or now,
   print "backprop: write error: ..." and _Exit (EXIT_USAGE), as gnulib's
   close_stdout does; then stderr. */
void close_stdout (void);

/* The exit statuses (doc/backprop.1, EXIT STATUS). */
enum
{
  EXIT_CHECK_FAILED = 1,    /* a check failed */
  EXIT_USAGE = 2,           /* usage error or bad input */
  EXIT_INCONCLUSIVE = 3,    /* check: decided only by the error estimate */
  EXIT_NOT_CARRIED_OUT = 4  /* out of memory, a thread that cannot start, too
                               small an address space: nothing decided */
};

/* Each command: argv[0] is the command's name; returns the exit status
   (0 success, or one of the above). */
int cmd_verify (int argc, char **argv);
int cmd_check (int argc, char **argv);
int cmd_train (int argc, char **argv);
int cmd_eval (int argc, char **argv);

#endif /* BP_CLI_H */
