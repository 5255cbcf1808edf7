/* cli.h -- (internal) what the commands of the backprop program share. */
#ifndef BP_CLI_H
#define BP_CLI_H

/* "backprop", for messages. */
extern const char *program_name;

/* Print "Try 'backprop --help' ..." to stderr. */
void usage_hint (void);

/* Parse a whole non-negative decimal number into *out; 0 on success,
   -1 when s is empty, signed, has trailing characters or overflows. */
int parse_ulong (const char *s, unsigned long *out);

/* Parse a whole finite decimal number into *out; 0 on success, -1 when s
   is empty, has trailing characters, overflows or is not finite. */
int parse_double (const char *s, double *out);

/* The exit statuses (doc/backprop.1, EXIT STATUS). */
enum
{
  EXIT_CHECK_FAILED = 1,    /* a check failed */
  EXIT_USAGE = 2,           /* usage error or bad input */
  EXIT_INCONCLUSIVE = 3,    /* check: decided only by the error estimate */
  EXIT_NOT_CARRIED_OUT = 4  /* verify: out of memory, nothing decided */
};

/* Each command: argv[0] is the command's name; returns the exit status
   (0 success, or one of the above). */
int cmd_verify (int argc, char **argv);
int cmd_check (int argc, char **argv);
int cmd_train (int argc, char **argv);
int cmd_eval (int argc, char **argv);

#endif /* BP_CLI_H */
