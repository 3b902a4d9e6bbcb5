/**
 * rdma-core libibverbs (libibverbs/verbs.h, cmd*.c): the user-space verbs library, in Java.
 *
 * <p>It reaches the kernel only the way a process does: {@code open} of a uverbs character
 * device, {@code write} of the legacy commands of include/uapi/rdma/ib_user_verbs.h (built with
 * the {@link org.ibmodel.uverbs.abi.IbUserVerbs} layouts), {@code read} of the async-event and
 * completion-channel files, {@code close}, and the process's own user memory ({@code mmap},
 * copies in and out) where responses, work completions and data buffers live. It imports
 * nothing from ib_core, the uverbs kernel code or any device.
 *
 * <p>There is no user-space provider driver in this model: libibverbs' providers (mlx4, rxe...)
 * post work requests and poll completions through queues mapped into the process, but here
 * {@code ibv_post_send}, {@code ibv_post_recv}, {@code ibv_post_srq_recv} and
 * {@code ibv_poll_cq} are the kernel commands POST_SEND, POST_RECV, POST_SRQ_RECV and POLL_CQ,
 * the path libibverbs' {@code ibv_cmd_post_send} / {@code ibv_cmd_poll_cq} take for a provider
 * without a fast path.
 *
 * <p>Errors, one rule for the whole package, as libibverbs reports them:
 * <ul>
 *   <li>verbs that return an object ({@code ibv_open_device}, {@code ibv_alloc_pd},
 *       {@code ibv_create_cq}...) return it, or {@code null} with {@link org.ibmodel.verbs.Ibv#errno()}
 *       set;</li>
 *   <li>verbs that return {@code int} ({@code ibv_modify_qp}, {@code ibv_post_send},
 *       {@code ibv_destroy_*}, {@code ibv_query_*}) return 0 or a positive errno value, and set
 *       {@code errno()} to it as well;</li>
 *   <li>{@code ibv_poll_cq} returns the number of completions, or -1 with {@code errno()} set.</li>
 * </ul>
 * Errno values are Linux's ({@link org.ibmodel.kernel.Errno#number()}).
 *
 * <p>Reads block as they do in Linux: {@code ibv_get_cq_event} and {@code ibv_get_async_event}
 * on an empty event file sleep in read() while the kernel's deferred work and the world run, and
 * return when an event is queued. A program that polls instead makes the fd O_NONBLOCK
 * ({@code setNonblocking}, fcntl F_SETFL) and gets {@code null} with errno EAGAIN. A sleep that
 * nothing left can end returns {@code null} with errno EINTR, as a signal would end it: the
 * model's processes run one at a time, and one that sleeps for ever would stop the rest. Two
 * processes that wait at once are run by their caller, as the demo does: poll() each fd
 * ({@link org.ibmodel.kernel.Task#poll}), let the world run until one is readable, and read that
 * one. Where libibverbs would wait for events to be acknowledged
 * ({@code ibv_destroy_cq}, {@code ibv_destroy_qp}, {@code ibv_destroy_srq}) and they never can
 * be, the wait would never end; that is a bug in the caller and is thrown as one.
 *
 * <p>The model has no VFS: {@link org.ibmodel.verbs.Ibv#getDeviceList} takes the entries that
 * libibverbs would find under /sys/class/infiniband_verbs, each with the node to open.
 */
package org.ibmodel.verbs;
