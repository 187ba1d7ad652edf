// Tests import single src files; the package entries attach Tensor's chained methods (see
// test/structure/imports.test.ts, which checks that every entry does), so the tests load them too.
import '../../src/autograd/methods.js';
