/*
 * import_pipe.h: runs an import's batches on up to two database
 * connections at once: the request's own, and a helper thread's when the
 * pool has a connection to spare. The request's thread goes on reading the
 * CSV while the helper loads the batch before; when the helper is still
 * busy, the request's thread loads the next batch itself.
 */
#ifndef API_IMPORT_PIPE_H
#define API_IMPORT_PIPE_H

#include "http/request.h"

/* Loads the batch held in slot on c, in its own transaction(s). Runs on
 * either thread, never on the same slot twice at once. */
typedef db_status (*pipe_apply_fn)(db_conn *c, void *slot, void *cls);
/* Folds a loaded slot's results into the import's totals and empties the
 * slot for reuse. Called with the pipe's lock held, one at a time. */
typedef void (*pipe_done_fn)(void *slot, void *cls);

typedef struct import_pipe import_pipe;

/* A pipe over two caller-owned slots (slot_a is filled first). NULL when
 * memory runs out; the caller then replies 500. */
import_pipe *import_pipe_new(request *rq, void *slot_a, void *slot_b,
                             pipe_apply_fn apply, pipe_done_fn done, void *cls);
/* The slot to fill next. */
void *import_pipe_slot(import_pipe *p);
/* Loads the filled slot, here or on the helper. Returns the first failure
 * of any batch so far (DB_OK when none): the caller then stops. */
db_status import_pipe_submit(import_pipe *p);
/* Waits for the helper to finish, stops it and gives its connection back;
 * returns the first failure. Frees p. */
db_status import_pipe_finish(import_pipe *p);

#endif
