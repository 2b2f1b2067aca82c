#ifndef WREN_CLIBPQ_SHIM_H
#define WREN_CLIBPQ_SHIM_H
#include <libpq-fe.h>

// The PostgreSQL backend waits for socket readiness itself; Swift's Glibc module
// does not export these headers.
#ifdef __linux__
#include <sys/epoll.h>
#include <sys/eventfd.h>
#endif
#endif
