// SPDX-License-Identifier: Apache-2.0
/* The infra process's program (pod/infra/pcon-infra.c), its bytes as the
 * build made them. */
#include <stddef.h>

#include "infra.h"

static const unsigned char blob[] = {
#include "pcon-infra.inc"
};

const unsigned char *
engine_infra_program(size_t *size)
{
    *size = sizeof blob;
    return blob;
}
