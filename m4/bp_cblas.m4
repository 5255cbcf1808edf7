# bp_cblas.m4 -- BP_CHECK_CBLAS: choose the CBLAS behind gsl_blas_*.
#
# GSL calls the CBLAS interface (cblas_dgemv, cblas_dgemm, ...) and leaves
# the choice of implementation to the link: gsl.pc's Libs line carries it in
# its variable GSL_CBLAS_LIB (-lgslcblas, GSL's reference CBLAS).  Here
# GSL_LIBS loses that word and CBLAS_LIBS names the CBLAS instead:
#   --with-cblas            (default) OpenBLAS, or any `cblas' module, when
#                           pkg-config finds one; GSL's gslcblas otherwise
#   --with-cblas=gslcblas   GSL's reference CBLAS (also --without-cblas)
#   --with-cblas=MODULE     a pkg-config module: openblas, cblas, blas, ...
#   --with-cblas=-lFLAGS    linker flags as given, e.g. "-L/opt/lib -lblis"
# Whatever is chosen must link cblas_dgemm, or configure stops.
AC_DEFUN([BP_CHECK_CBLAS],
[AC_REQUIRE([PKG_PROG_PKG_CONFIG])dnl
AC_ARG_WITH([cblas],
  [AS_HELP_STRING([--with-cblas=LIB],
    [CBLAS to link: openblas, another pkg-config module (cblas, blas),
     gslcblas (GSL's reference CBLAS), or linker flags such as -lopenblas
     @<:@default: openblas or cblas if pkg-config finds one, else gslcblas@:>@])],
  [], [with_cblas=auto])
bp_gslcblas=`$PKG_CONFIG --variable=GSL_CBLAS_LIB gsl 2>/dev/null`
test -n "$bp_gslcblas" || bp_gslcblas=-lgslcblas
bp_cblas_auto=no
AS_CASE([$with_cblas],
  [auto|yes],
    [bp_cblas_auto=yes
     bp_cblas=gslcblas CBLAS_LIBS=$bp_gslcblas
     for bp_module in openblas cblas; do
       AS_IF([$PKG_CONFIG --exists "$bp_module"],
         [bp_cblas=$bp_module CBLAS_LIBS=`$PKG_CONFIG --libs "$bp_module"`; break])
     done],
  [no|gslcblas],
    [bp_cblas=gslcblas CBLAS_LIBS=$bp_gslcblas],
  [-*],
    [bp_cblas="$with_cblas" CBLAS_LIBS=$with_cblas],
  [AS_IF([$PKG_CONFIG --exists "$with_cblas"],
     [bp_cblas=$with_cblas CBLAS_LIBS=`$PKG_CONFIG --libs "$with_cblas"`],
     [AC_MSG_ERROR([--with-cblas=$with_cblas: pkg-config knows no module '$with_cblas'.
Give a module (openblas, cblas, blas), gslcblas, or linker flags (-lopenblas).
On Debian, OpenBLAS comes with:  apt-get install libopenblas-dev])])])
CBLAS_LIBS=`echo $CBLAS_LIBS`
BP_LINK_CBLAS([$CBLAS_LIBS], [],
  [AS_IF([test "$bp_cblas_auto" = yes && test "$bp_cblas" != gslcblas],
     [AC_MSG_WARN([$bp_cblas ($CBLAS_LIBS) does not link cblas_dgemm; using GSL's gslcblas])
      bp_cblas=gslcblas CBLAS_LIBS=$bp_gslcblas
      BP_LINK_CBLAS([$CBLAS_LIBS], [],
        [AC_MSG_ERROR([GSL's CBLAS ($CBLAS_LIBS) does not link.
On Debian, install it with:  apt-get install libgsl-dev])])],
     [AC_MSG_ERROR([the CBLAS '$bp_cblas' ($CBLAS_LIBS) does not link cblas_dgemm.
On Debian, OpenBLAS comes with:  apt-get install libopenblas-dev])])])
# GSL_LIBS without GSL's own CBLAS: CBLAS_LIBS says which one.
GSL_LIBS=`AS_ECHO([" $GSL_LIBS "]) | sed "s/ $bp_gslcblas / /g; s/^ *//; s/ *$//"`
AC_MSG_CHECKING([which CBLAS gsl_blas_* will call])
AC_MSG_RESULT([$bp_cblas ($CBLAS_LIBS)])
BP_CBLAS=$bp_cblas
AC_SUBST([BP_CBLAS])
AC_SUBST([CBLAS_LIBS])
AC_DEFINE_UNQUOTED([BP_CBLAS], ["$bp_cblas ($CBLAS_LIBS)"],
  [The CBLAS that configure chose, for messages])
])

# BP_LINK_CBLAS(LIBS, [IF-LINKS], [IF-NOT]): does LIBS link cblas_dgemm?
AC_DEFUN([BP_LINK_CBLAS],
[AC_MSG_CHECKING([for cblas_dgemm in $1])
bp_save_LIBS=$LIBS
LIBS="$1 $LIBS"
AC_LINK_IFELSE([AC_LANG_CALL([], [cblas_dgemm])],
  [AC_MSG_RESULT([yes]); LIBS=$bp_save_LIBS; $2],
  [AC_MSG_RESULT([no]); LIBS=$bp_save_LIBS; $3])
])
