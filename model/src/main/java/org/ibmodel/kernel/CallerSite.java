package org.ibmodel.kernel;

import java.util.Set;

/**
 * Finds the code that called into this package, the way a splat's stack trace is read: the
 * first frame that does not belong to the kernel primitives themselves.
 */
final class CallerSite {

    /** Every production class of this package; frames of these classes are skipped. */
    private static final Set<Class<?>> PRIMITIVES = Set.of(
            CallerSite.class, Completion.class, Kernel.class, Kref.class, Lockdep.class,
            LockdepMap.class, Mutex.class, RwLock.class, RwSemaphore.class, SpinLock.class, Tasklet.class,
            Timer.class, TimerBase.class, Work.class, Workqueue.class);

    /** Whether frames of a class are skipped; getNestHost is slow enough to matter on every lock. */
    private static final ClassValue<Boolean> SKIPPED = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return PRIMITIVES.contains(type.getNestHost());
        }
    };

    private static final StackWalker WALKER =
            StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private CallerSite() {
    }

    /** "Class.method(File.java:line)" of the first caller outside the primitives. */
    static String find() {
        // Test classes share the package name, so match classes rather than the package.
        return WALKER.walk(frames -> frames
                .filter(f -> !SKIPPED.get(f.getDeclaringClass()))
                .findFirst()
                .map(CallerSite::format)
                .orElse("<unknown>"));
    }

    private static String format(StackWalker.StackFrame f) {
        String file = f.getFileName() == null ? "Unknown Source" : f.getFileName();
        return f.getClassName() + "." + f.getMethodName() + "(" + file + ":" + f.getLineNumber() + ")";
    }
}
