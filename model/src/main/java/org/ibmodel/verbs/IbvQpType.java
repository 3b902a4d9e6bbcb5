// libibverbs/verbs.h: enum ibv_qp_type and enum ibv_mtu
package org.ibmodel.verbs;

/** QP types (ABI values) and path MTU codes. */
public final class IbvQpType {
    public static final int RC = 2;
    public static final int UC = 3;
    public static final int UD = 4;

    /** enum ibv_mtu */
    public static final int MTU_256 = 1;
    public static final int MTU_512 = 2;
    public static final int MTU_1024 = 3;
    public static final int MTU_2048 = 4;
    public static final int MTU_4096 = 5;

    private IbvQpType() {
    }
}
