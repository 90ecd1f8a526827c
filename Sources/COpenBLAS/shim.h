#include <cblas.h>

/* LAPACK (Fortran calling convention, as exported by Debian's libopenblas), used by Metrics.
   The trailing size_t arguments are the hidden lengths of the character arguments. */
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
             double *w, double *work, const int *lwork, int *iwork, const int *liwork,
             int *info, size_t jobz_length, size_t uplo_length);
