/**
 * The kernel primitives the InfiniBand model runs on, one {@link org.ibmodel.kernel.Kernel} per
 * simulated host.
 *
 * <ul>
 *   <li>Execution contexts ({@link org.ibmodel.kernel.ExecContext}): process, softirq and hardirq
 *       code, nested only in that order, and never into code that disabled them
 *       (local_irq_save, local_bh_disable).</li>
 *   <li>Locks: {@link org.ibmodel.kernel.SpinLock} (spin_lock, _bh, _irq, _irqsave, trylock),
 *       {@link org.ibmodel.kernel.Mutex} and {@link org.ibmodel.kernel.RwSemaphore}, checked
 *       by might_sleep() and by {@link org.ibmodel.kernel.Lockdep}, which keeps a lock order
 *       graph and each class's interrupt usage, and reports inversions, recursive locking,
 *       inconsistent lock states and irq-safe to irq-unsafe orders with the sites involved.</li>
 *   <li>Object lifetime with {@link org.ibmodel.kernel.Kref}, waiting with
 *       {@link org.ibmodel.kernel.Completion}.</li>
 *   <li>Deferred work: softirqs, {@link org.ibmodel.kernel.Tasklet}s and
 *       {@link org.ibmodel.kernel.Workqueue}s, run in a fixed order
 *       only when {@link org.ibmodel.kernel.Kernel#runPending()} is called.</li>
 *   <li>Processes ({@link org.ibmodel.kernel.Task}) with a descriptor table of
 *       {@link org.ibmodel.kernel.OpenFile}s: read(), write(), close(), poll() with a timeout of 0
 *       and fcntl()'s F_GETFL and F_SETFL (O_NONBLOCK). A read that sleeps lets the kernel's work
 *       and the world run until it can return.</li>
 *   <li>{@link org.ibmodel.kernel.Errno}, the error numbers verbs return.</li>
 * </ul>
 *
 * <p>A broken rule throws {@link org.ibmodel.kernel.KernelBug}, named like the kernel's splat.
 * The model is single-threaded per kernel and holds no global state, so hosts can run side by
 * side in one JVM.
 */
package org.ibmodel.kernel;
