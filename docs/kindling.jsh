// JShell start-up for Kindling: jshell --startup DEFAULT --startup docs/kindling.jsh (see README)
import dev.kindling.*;
import dev.kindling.autograd.*;
import dev.kindling.data.*;
