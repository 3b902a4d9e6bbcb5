/**
 * A software RDMA device that executes work requests in host memory and loops them back to QPs
 * of the same device, in the spirit of drivers/infiniband/sw (rxe, siw). It exists so that
 * ib_core can be exercised and taught without a fabric; the HCA driver and the simulated HCA
 * replace it for everything that crosses a wire.
 */
package org.ibmodel.sw.mem;
