/**
 * nock's fetch interception calls Promise.withResolvers, which arrived in Node 22. On Node 20 (still
 * supported from 20.19) the tests that use nock supply it; on Node 22 and later this does nothing.
 */
const promiseStatics = Promise as unknown as { withResolvers?: () => unknown };
if (promiseStatics.withResolvers === undefined) {
  promiseStatics.withResolvers = () => {
    let resolve: (value: unknown) => void = () => {};
    let reject: (reason: unknown) => void = () => {};
    const promise = new Promise((yes, no) => {
      resolve = yes;
      reject = no;
    });
    return { promise, resolve, reject };
  };
}
