#ifndef TALLY_CFASTCGI_SHIM_H
#define TALLY_CFASTCGI_SHIM_H
#include <fcgiapp.h>
#endif
