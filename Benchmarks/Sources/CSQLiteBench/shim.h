// libsqlite3 for the C baselines.
#include <sqlite3.h>
