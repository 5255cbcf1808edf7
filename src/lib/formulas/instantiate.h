/* instantiate.h -- (internal) the file TEMPLATE_SOURCE, compiled once for
   every arithmetic: double, double complex and float (templates_on.h,
   GSL's pattern).  Define TEMPLATE_SOURCE as its quoted path, then
   include this file; TEMPLATE_SOURCE is undefined after. */
#define BASE_DOUBLE
#include "lib/formulas/templates_on.h"
#include TEMPLATE_SOURCE
#include "lib/formulas/templates_off.h"
#undef BASE_DOUBLE

#define BASE_COMPLEX
#include "lib/formulas/templates_on.h"
#include TEMPLATE_SOURCE
#include "lib/formulas/templates_off.h"
#undef BASE_COMPLEX

#define BASE_FLOAT
#include "lib/formulas/templates_on.h"
#include TEMPLATE_SOURCE
#include "lib/formulas/templates_off.h"
#undef BASE_FLOAT

#undef TEMPLATE_SOURCE
