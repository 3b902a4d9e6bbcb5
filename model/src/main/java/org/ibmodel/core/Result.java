package org.ibmodel.core;

import org.ibmodel.kernel.Errno;

/**
 * A created object or a negative errno: the kernel's ERR_PTR convention for verbs that return
 * objects.
 */
public final class Result<T> {
    private final T value;
    private final int err;

    private Result(T value, int err) {
        this.value = value;
        this.err = err;
    }

    public static <T> Result<T> of(T value) {
        return new Result<>(value, 0);
    }

    /** An error result; {@code err} is a negative errno. */
    public static <T> Result<T> err(int err) {
        if (err >= 0) {
            throw new IllegalArgumentException("ERR_PTR needs a negative errno, got " + err);
        }
        return new Result<>(null, err);
    }

    public static <T> Result<T> err(Errno errno) {
        return err(errno.negative());
    }

    public boolean isErr() {
        return err != 0;
    }

    /** PTR_ERR: the negative errno, or 0. */
    public int err() {
        return err;
    }

    public Errno errno() {
        return err == 0 ? null : Errno.ofNumber(err);
    }

    /** The value; asking for it on an error is a bug in the caller. */
    public T get() {
        if (err != 0) {
            throw new IllegalStateException("IS_ERR: " + Errno.ofNumber(err));
        }
        return value;
    }

    @Override
    public String toString() {
        return err == 0 ? "ok(" + value + ")" : "ERR_PTR(" + Errno.ofNumber(err) + ")";
    }
}
