// include/rdma/ib_verbs.h: struct ib_client
package org.ibmodel.core;

/**
 * A user of devices (a ULP such as ib_ipoib or ib_srp). {@code add} is called for every
 * registered device; a non-zero return means the client skips that device, and then
 * {@code remove} is never called for it (drivers/infiniband/core/device.c add_client_context).
 */
public interface IbClient {
    String name();

    int add(IbDevice device);

    void remove(IbDevice device, Object clientData);
}
