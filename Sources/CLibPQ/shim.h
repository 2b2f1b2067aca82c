#ifndef WREN_CLIBPQ_SHIM_H
#define WREN_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
