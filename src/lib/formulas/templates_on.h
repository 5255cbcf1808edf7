/* templates_on.h -- (internal) one arithmetic for a formula's source
   file, after GSL's templates_on.h.  A formula is written once, in
   NAME_source.c, over these macros; NAME.c instantiates it per type:
       #define BASE_DOUBLE
       #include "templates_on.h"
       #include "NAME_source.c"
       #include "templates_off.h"
       #undef BASE_DOUBLE
   and again with BASE_COMPLEX and BASE_FLOAT.
     BASE_DOUBLE   double over gsl_vector / gsl_matrix: the public bp_NAME;
     BASE_COMPLEX  double complex over gsl_vector_complex / _matrix_complex:
                   bp_complex_NAME, the forward pass the complex step
                   differentiates (derivations/13-complex-step.md);
     BASE_FLOAT    float over gsl_vector_float / gsl_matrix_float:
                   float_NAME, internal (declared in lib/formulas/float.h,
                   not exported): the float32 arithmetic builds on it.
   FUNCTION (dir, name) names an instantiation as GSL does (dir_SHORT_name,
   bp_linear, bp_complex_linear; FUNCTION (gsl_vector, memcpy) too), TYPE
   (gsl_vector) its vector type, REAL_TYPE (gsl_vector) the real vector of the same
   precision (labels: real in the complex step).
   Each operation is the same C operation in every arithmetic, so the
   double instantiation is the arithmetic the formula always had, and the
   complex one on real arguments (imaginary parts 0) gives the double
   one's real values bit for bit (tests/check_templates.c): the complex
   elementary functions of arith.h reduce exactly to the real ones there.
   Not GSL's gsl_complex: C99's double complex, so that + - * are C's. */
#include "lib/formulas/arith.h"

#if defined(BASE_DOUBLE)
# define BASE double
# define ATOMIC double
# define SHORT
# define MULTIPLICITY 1
# define ZERO 0.0
# define ONE 1.0
# define TYPE(dir) dir
# define FUNCTION(dir, name) dir ## _ ## name
# define REAL_TYPE(dir) dir
# define RGET(v, i) gsl_vector_get ((v), (i))
# define RE(z) (z)
# define EXP(z) exp (z)
# define LOG(z) log (z)
# define TANH(z) tanh (z)
# define DIV(a, b) ((a) / (b))
/* v += W u */
# define GEMV_ADD(W, u, v) gsl_blas_dgemv (CblasNoTrans, 1.0, (W), (u), 1.0, (v))
# define GEMM gsl_blas_dgemm
# define AXPY gsl_blas_daxpy
# define FABS(x) fabs (x)
# define ROWS_SUM_TO_ONE(T) matrix_rows_sum_to_one (T)
# define VGET(v, i) gsl_vector_get ((v), (i))
# define VSET(v, i, x) gsl_vector_set ((v), (i), (x))
# define MGET(A, i, j) gsl_matrix_get ((A), (i), (j))
# define MSET(A, i, j, x) gsl_matrix_set ((A), (i), (j), (x))

#elif defined(BASE_FLOAT)
# define BASE float
# define ATOMIC float
# define SHORT float
# define MULTIPLICITY 1
# define ZERO 0.0f
# define ONE 1.0f
# define TYPE(dir) dir ## _float
/* dir_float_name as GSL's, but the library's own formulas (dir bp) are
   internal until float32 is public: float_NAME, without the bp_ prefix
   the library exports.  A new dir of a templated source needs its line
   here (the compiler names the FLOAT_FUNCTION_dir it misses). */
# define FUNCTION(dir, name) FLOAT_FUNCTION_ ## dir (name)
# define FLOAT_FUNCTION_bp(name) float_ ## name
# define FLOAT_FUNCTION_bp_dataset(name) dataset_float_ ## name
# define FLOAT_FUNCTION_batch(name) batch_float_ ## name
# define FLOAT_FUNCTION_gsl_vector(name) gsl_vector_float_ ## name
# define FLOAT_FUNCTION_gsl_matrix(name) gsl_matrix_float_ ## name
# define FLOAT_FUNCTION_matrix(name) matrix_float_ ## name
# define FLOAT_FUNCTION_activation(name) activation_float_ ## name
# define FLOAT_FUNCTION_cnn(name) cnn_float_ ## name
# define FLOAT_FUNCTION_cnn_chain(name) cnn_chain_float_ ## name
# define FLOAT_FUNCTION_conv(name) conv_float_ ## name
# define FLOAT_FUNCTION_wino(name) wino_float_ ## name
# define FLOAT_FUNCTION_maxpool(name) maxpool_float_ ## name
# define FLOAT_FUNCTION_linear(name) linear_float_ ## name
# define FLOAT_FUNCTION_mlp(name) mlp_float_ ## name
# define FLOAT_FUNCTION_deep(name) deep_float_ ## name
# define FLOAT_FUNCTION_net(name) net_float_ ## name
# define FLOAT_FUNCTION_pool(name) pool_float_ ## name
# define FLOAT_FUNCTION_relu(name) relu_float_ ## name
# define FLOAT_FUNCTION_same(name) same_float_ ## name
# define FLOAT_FUNCTION_sgd(name) sgd_float_ ## name
# define FLOAT_FUNCTION_scalar(name) scalar_float_ ## name
# define FLOAT_FUNCTION_shift(name) shift_float_ ## name
# define FLOAT_FUNCTION_sigmoid(name) sigmoid_float_ ## name
# define FLOAT_FUNCTION_tanh(name) tanh_float_ ## name
# define REAL_TYPE(dir) dir ## _float
# define RGET(v, i) gsl_vector_float_get ((v), (i))
# define RE(z) (z)
# define EXP(z) expf (z)
# define LOG(z) logf (z)
# define TANH(z) tanhf (z)
# define DIV(a, b) ((a) / (b))
# define GEMV_ADD(W, u, v) gsl_blas_sgemv (CblasNoTrans, 1.0f, (W), (u), 1.0f, (v))
# define GEMM gsl_blas_sgemm
# define AXPY gsl_blas_saxpy
# define FABS(x) fabsf (x)
# define ROWS_SUM_TO_ONE(T) matrix_float_rows_sum_to_one (T)
# define VGET(v, i) gsl_vector_float_get ((v), (i))
# define VSET(v, i, x) gsl_vector_float_set ((v), (i), (x))
# define MGET(A, i, j) gsl_matrix_float_get ((A), (i), (j))
# define MSET(A, i, j, x) gsl_matrix_float_set ((A), (i), (j), (x))

#elif defined(BASE_COMPLEX)
# define BASE double complex
# define ATOMIC double
# define SHORT complex
# define MULTIPLICITY 2
# define ZERO 0.0
# define ONE 1.0
/* pasted, not CONCAT: <complex.h> makes complex a macro */
# define TYPE(dir) dir ## _complex
# define FUNCTION(dir, name) dir ## _complex_ ## name
# define REAL_TYPE(dir) dir
# define RGET(v, i) gsl_vector_get ((v), (i))
# define RE(z) creal (z)
# define EXP(z) cexp_exact (z)
# define LOG(z) clog_exact (z)
# define TANH(z) ctanh_exact (z)
# define DIV(a, b) cdiv_exact ((a), (b))
# define GEMV_ADD(W, u, v) zgemv_by_dgemv ((W), (u), (v))
# define VGET(v, i) cget ((v), (i))
# define VSET(v, i, x) cset ((v), (i), (x))
# define MGET(A, i, j) cmget ((A), (i), (j))
# define MSET(A, i, j, x) cmset ((A), (i), (j), (x))

#else
# error "templates_on.h: define BASE_DOUBLE, BASE_FLOAT or BASE_COMPLEX"
#endif

/* a view type, as GSL's QUALIFIED_VIEW: VIEW (gsl_vector, const_view) is
   gsl_vector_const_view, gsl_vector_float_const_view, ... */
#define VIEW(dir, name) FUNCTION (dir, name)

/* The real accumulator of a long sum (a bias's gradient over B Ho Wo
   terms, a batch's loss): double in every arithmetic, so that float's
   result is the exact sum rounded once, not n roundings
   (derivations/14-mini-batch.md, "Float32") */
#define ACCUM double

/* "bp_linear", "bp_complex_linear", "float_linear": the name in messages */
#define STRING(x) #x
#define EXPAND(x) STRING (x)
#define NAME(dir, name) EXPAND (FUNCTION (dir, name))

/* Element k of a matrix's or vector's storage, from its data pointer
   (k counts elements, not ATOMICs) */
#define ELEM(p, k) ELEM_ (p, k)
#define STORE(p, k, x) STORE_ (p, k, x)
#if MULTIPLICITY == 1
# define ELEM_(p, k) ((p)[k])
# define STORE_(p, k, x) ((p)[k] = (x))
#else
# define ELEM_(p, k) CMPLX ((p)[2 * (k)], (p)[2 * (k) + 1])
# define STORE_(p, k, x) cstore ((p) + 2 * (k), (x))
#endif

/* 1 when every element is finite; overlap of an output with an input
   (bp_common.h), from the bytes each covers */
#define ATOMICS_FINITE_(t) t ## s_finite   /* doubles_finite, floats_finite (arith.h) */
#define ATOMICS_FINITE(t) ATOMICS_FINITE_ (t)
#define MATRIX_ATOMICS_FINITE_(t) matrix_ ## t ## s_finite
#define MATRIX_ATOMICS_FINITE(t) MATRIX_ATOMICS_FINITE_ (t)
#define REAL_VECTOR_FINITE(v) ATOMICS_FINITE (ATOMIC) ((v)->data, (v)->size, (v)->stride, 1)
#define VECTOR_FINITE(v) ATOMICS_FINITE (ATOMIC) ((v)->data, (v)->size, MULTIPLICITY * (v)->stride, MULTIPLICITY)
#define MATRIX_FINITE(A) MATRIX_ATOMICS_FINITE (ATOMIC) ((A)->data, (A)->size1, (A)->size2, MULTIPLICITY * (A)->tda, MULTIPLICITY)
#define VECTOR_BYTES(v) ((v)->size == 0 ? 0 : ((v)->size - 1) * (v)->stride + 1)
#define MATRIX_BYTES(A) ((A)->size1 == 0 || (A)->size2 == 0 ? 0 : ((A)->size1 - 1) * (A)->tda + (A)->size2)
#define ELEMENT_BYTES (MULTIPLICITY * sizeof (ATOMIC))
#define VV_OVERLAP(a, b) data_overlap ((a)->data, VECTOR_BYTES (a) * ELEMENT_BYTES, (b)->data, VECTOR_BYTES (b) * ELEMENT_BYTES)
#define VM_OVERLAP(a, B) data_overlap ((a)->data, VECTOR_BYTES (a) * ELEMENT_BYTES, (B)->data, MATRIX_BYTES (B) * ELEMENT_BYTES)
#define MM_OVERLAP(A, B) data_overlap ((A)->data, MATRIX_BYTES (A) * ELEMENT_BYTES, (B)->data, MATRIX_BYTES (B) * ELEMENT_BYTES)
