#include <stdio.h>

#include "base/base.h"

int main(void)
{
    printf("waspada %s (%zu data files)\n", WSP_VERSION, data_embedded_count());
    return 0;
}
