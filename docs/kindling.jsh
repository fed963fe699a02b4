// JShell start-up for Kindling (see the README): the usual imports.
import dev.kindling.*;
import dev.kindling.autograd.*;
import dev.kindling.nn.*;
import dev.kindling.nn.Module;
import dev.kindling.nn.functional.F;
import dev.kindling.optim.*;
import dev.kindling.data.*;
import dev.kindling.models.*;
