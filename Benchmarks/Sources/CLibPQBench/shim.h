// libpq for the C baselines; the include path comes from pkg-config libpq.
#include <libpq-fe.h>
